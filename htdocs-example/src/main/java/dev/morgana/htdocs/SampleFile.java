package dev.morgana.htdocs;

/**
 * The large file added to the example site for bulk tests: {@value #SIZE} pseudo-random bytes,
 * the same on every build and every JDK (the generator is written out here, not borrowed from
 * the JDK, whose algorithms may change).
 */
public final class SampleFile {

    /** Where the file lives in the assembled site. */
    public static final String PATH = "downloads/sample-4MiB.bin";
    /** Its length: 4 MiB. */
    public static final int SIZE = 4 << 20;
    /** The generator's seed ("Morgana" in ASCII). */
    public static final long SEED = 0x004D_6F72_6761_6E61L;

    private SampleFile() {}

    /** The file's content: SplitMix64 from {@link #SEED}, each output written little-endian. */
    public static byte[] bytes() {
        byte[] out = new byte[SIZE];
        long state = SEED;
        for (int i = 0; i < SIZE; i += 8) {
            state += 0x9E37_79B9_7F4A_7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
            z = z ^ (z >>> 31);
            for (int b = 0; b < 8; b++) {
                out[i + b] = (byte) (z >>> (8 * b));
            }
        }
        return out;
    }
}
