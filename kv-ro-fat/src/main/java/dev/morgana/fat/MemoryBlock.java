package dev.morgana.fat;

import dev.morgana.types.Block;
import java.nio.ByteBuffer;

/** A read-only {@link Block} over bytes in memory: the builder checks its own image with it. */
final class MemoryBlock implements Block {

    private final String name;
    private final ByteBuffer bytes;

    /** A block over all of {@code bytes}, from 0 to its capacity, whatever its position. */
    MemoryBlock(String name, ByteBuffer bytes) {
        this.name = name;
        this.bytes = bytes.asReadOnlyBuffer().clear();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int sectorSize() {
        return 512;
    }

    @Override
    public long sectors() {
        return bytes.capacity() / 512;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void read(long sector, ByteBuffer dst) {
        int n = dst.remaining();
        if (n % 512 != 0 || sector < 0 || sector > sectors() || n / 512 > sectors() - sector) {
            throw new IllegalArgumentException("bad read of " + n + " bytes at sector " + sector);
        }
        dst.put(bytes.slice((int) (sector * 512), n));
    }

    @Override
    public void write(long sector, ByteBuffer src) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void close() {}
}
