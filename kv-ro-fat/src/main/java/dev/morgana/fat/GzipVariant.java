package dev.morgana.fat;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The gzip variant the crunch store keeps, computed the same way so that both stores serve the
 * same bytes: raw deflate at the best level behind a fixed RFC 1952 header (no name, MTIME 0,
 * XFL 2, OS unknown), kept only where strictly smaller than the content.
 */
final class GzipVariant {

    /**
     * The root directory holding the variants: "DIR/docs/x.html.gz" is the gzip variant of
     * "docs/x.html". {@link FatKvRo} hides this tree and attaches the variants to their files.
     */
    static final String DIRECTORY = ".morgana-gzip";

    /** The suffix of a variant's name. */
    static final String SUFFIX = ".gz";

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 255};
    private static final int TRAILER = 8;

    private GzipVariant() {}

    /** The gzip bytes of {@code data}, or null if they would not be strictly smaller. */
    static byte[] compressIfSmaller(byte[] data) {
        if (data.length <= HEADER.length + TRAILER + 2) {
            return null;
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length, 1 << 20));
            out.writeBytes(HEADER);
            deflater.setInput(data);
            deflater.finish();
            byte[] chunk = new byte[1 << 16];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
                if (out.size() + TRAILER >= data.length) {
                    return null;
                }
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            int sum = (int) crc.getValue();
            int size = data.length;
            for (int v : new int[] {sum, size}) {
                out.write(v);
                out.write(v >>> 8);
                out.write(v >>> 16);
                out.write(v >>> 24);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
