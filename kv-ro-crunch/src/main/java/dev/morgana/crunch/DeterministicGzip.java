package dev.morgana.crunch;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) with a fixed header, so the same bytes always compress to the same bytes
 * (for a given zlib): no file name, MTIME 0, OS "unknown". {@link java.util.zip.GZIPOutputStream}
 * is not used because it does not promise its header bytes.
 */
final class DeterministicGzip {

    private static final int HEADER_LENGTH = 10;
    private static final int TRAILER_LENGTH = 8;
    private static final byte[] HEADER = {
        0x1f, (byte) 0x8b, // magic
        8, // compression method: deflate
        0, // flags: no name, comment, extra or header CRC
        0, 0, 0, 0, // MTIME 0: no time stamp
        2, // XFL 2: compressed with the slowest, best level
        (byte) 255 // OS: unknown, whatever machine built it
    };

    private DeterministicGzip() {}

    /**
     * The gzip encoding of {@code data} at the best compression level, or empty if it would not
     * be strictly smaller than {@code data}. Gives up as soon as the output reaches the input's
     * size, so incompressible files cost no extra memory.
     */
    static Optional<byte[]> compressIfSmaller(byte[] data) {
        if (data.length <= HEADER_LENGTH + TRAILER_LENGTH + 2) {
            return Optional.empty(); // even an empty deflate stream would not be smaller
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length, 1 << 20));
            out.writeBytes(HEADER);
            deflater.setInput(data);
            deflater.finish();
            byte[] chunk = new byte[64 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
                if (out.size() + TRAILER_LENGTH >= data.length) {
                    return Optional.empty();
                }
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            writeIntLittleEndian(out, (int) crc.getValue());
            writeIntLittleEndian(out, data.length); // ISIZE: length modulo 2^32
            return Optional.of(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
