package dev.morgana.crunch;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A store's bytes, read-only: a {@link ByteBuffer} for stores read from a jar (the appliance's
 * case), or a {@link MemorySegment} for any size. The buffer form exists for start-up:
 * the first use of the foreign-memory API initialises {@code jdk.internal.foreign.Utils}, which
 * spins method-handle classes at run time that no AOT cache holds (10-15 ms interpreted).
 */
sealed interface StoreBytes {

    /** The number of bytes. */
    long size();

    /** A big-endian view of {@code length} bytes from {@code offset}; the caller checks both. */
    ByteBuffer slice(long offset, long length);

    static StoreBytes of(MemorySegment segment) {
        return new Segment(segment.asReadOnly());
    }

    /** Over all the buffer's bytes, from 0 to its capacity, whatever its position. */
    static StoreBytes of(ByteBuffer buffer) {
        return new Buffer(buffer.asReadOnlyBuffer().clear());
    }

    record Segment(MemorySegment segment) implements StoreBytes {
        @Override
        public long size() {
            return segment.byteSize();
        }

        @Override
        public ByteBuffer slice(long offset, long length) {
            return segment.asSlice(offset, length).asByteBuffer();
        }
    }

    record Buffer(ByteBuffer buffer) implements StoreBytes {
        @Override
        public long size() {
            return buffer.limit();
        }

        @Override
        public ByteBuffer slice(long offset, long length) {
            return buffer.slice(Math.toIntExact(offset), Math.toIntExact(length));
        }
    }
}
