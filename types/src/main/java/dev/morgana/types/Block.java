package dev.morgana.types;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A block device: an image file, /dev/vdb in a VM. Read-only devices reject writes.
 *
 * <p>All transfers are whole sectors: {@code dst.remaining()} must be a multiple of
 * {@link #sectorSize()}, and the range must lie inside the device, otherwise
 * {@link IllegalArgumentException}. Thread-safe: concurrent reads are allowed.
 */
public interface Block extends Device {

    /** Bytes per sector, usually 512. */
    int sectorSize();

    /** Number of sectors. */
    long sectors();

    /** True if {@link #write} always fails. */
    boolean readOnly();

    /** Reads {@code dst.remaining() / sectorSize()} sectors starting at {@code sector}. */
    void read(long sector, ByteBuffer dst) throws IOException;

    /** Writes whole sectors starting at {@code sector}. */
    void write(long sector, ByteBuffer src) throws IOException;
}
