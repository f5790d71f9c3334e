package dev.morgana.fat;

import dev.morgana.types.Block;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only {@link Block} over an image file or a Linux block device node (/dev/vdb,
 * /dev/xvdb), with 512-byte sectors. Reads are positional, so concurrent readers never share a
 * file position. A trailing partial sector of an image file is not addressable.
 */
public final class FileBlock implements Block {

    /** The sector size this block presents. */
    public static final int SECTOR_SIZE = 512;

    private final Path path;
    private final FileChannel channel;
    private final long sectors;

    private FileBlock(Path path, FileChannel channel, long bytes) {
        this.path = path;
        this.channel = channel;
        this.sectors = bytes / SECTOR_SIZE;
    }

    /**
     * Opens {@code path} read-only. Regular files are sized by their length; device nodes, whose
     * length the file API reports as 0, by seeking to their end.
     *
     * @throws IOException if the path cannot be opened or sized
     */
    public static FileBlock open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long bytes = channel.size();
            if (bytes == 0 && !Files.isRegularFile(path)) {
                bytes = DeviceSize.of(path);
            }
            return new FileBlock(path, channel, bytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public int sectorSize() {
        return SECTOR_SIZE;
    }

    @Override
    public long sectors() {
        return sectors;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void read(long sector, ByteBuffer dst) throws IOException {
        int bytes = dst.remaining();
        if (bytes % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("read of " + bytes + " bytes is not whole sectors");
        }
        if (sector < 0 || sector > sectors || bytes / SECTOR_SIZE > sectors - sector) {
            throw new IllegalArgumentException("sectors " + sector + "+" + bytes / SECTOR_SIZE
                    + " outside device of " + sectors + " sectors");
        }
        long position = sector * SECTOR_SIZE;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new IOException(path + ": unexpected end at byte " + position + " (device shrank?)");
            }
            position += n;
        }
    }

    @Override
    public void write(long sector, ByteBuffer src) throws IOException {
        throw new IOException(path + " is opened read-only");
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            System.err.println("fat: closing " + path + ": " + e.getMessage());
        }
    }
}
