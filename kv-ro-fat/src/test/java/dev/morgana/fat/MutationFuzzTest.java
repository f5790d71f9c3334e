package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A short seeded fuzz run: random mutations of a built image's metadata (boot sector, FAT,
 * directories), then mount, look up and read every file. The only acceptable failures are
 * IOExceptions; anything else (a runtime exception, an error, a hang) fails the test.
 */
@Timeout(90)
class MutationFuzzTest {

    private static final int ITERATIONS = 1000;

    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("fat-fuzz-");
    }

    @AfterEach
    void tearDown() {
        Sites.delete(tmp);
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void mutatedImagesMountOrFailWithIoExceptionOnly(FatOptions.Type type) throws IOException {
        byte[] image = Images.build(tmp, Sites.sample(), type);
        FatGeometry g = Images.volume(image).geometry();
        int[][] hot = hotRegions(image, g);
        long[] interesting = {0, 1, 2, 0xFF, 0xFFFF, 0xFFF7, 0xFFF8, 0x0FFFFFF7L, 0x0FFFFFFFL, 0xFFFFFFFFL,
                g.clusterCount(), g.clusterCount() + 1, g.clusterCount() + 2, 0x80000000L, 0x7FFFFFFFL};
        Random random = new Random(0x6d6f7267L + type.ordinal());
        int mounted = 0;
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] mutated = image; // mutated in place and restored below: images are large
            int mutations = 1 + random.nextInt(6);
            int[] offsets = new int[mutations];
            int[] saved = new int[mutations];
            for (int m = 0; m < mutations; m++) {
                int[] region = hot[random.nextInt(hot.length)];
                int at = region[0] + random.nextInt(Math.max(1, region[1] - 4));
                offsets[m] = at;
                saved[m] = ByteBuffer.wrap(image).getInt(at);
                switch (random.nextInt(3)) {
                    case 0 -> mutated[at] = (byte) random.nextInt(256);
                    case 1 -> Images.putShort(mutated, at, (int) interesting[random.nextInt(interesting.length)]);
                    default -> Images.putInt(mutated, at, (int) interesting[random.nextInt(interesting.length)]);
                }
            }
            try {
                exercise(mutated, random);
                mounted++;
            } catch (IOException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "IOException without message");
                rejected++;
            } catch (RuntimeException | Error e) {
                fail("iteration " + i + " of " + type + ": " + e, e);
            } finally {
                for (int m = mutations - 1; m >= 0; m--) {
                    ByteBuffer.wrap(image).putInt(offsets[m], saved[m]);
                }
            }
        }
        System.out.println("fuzz " + type + ": " + mounted + " mounted, " + rejected + " rejected");
        assertTrue(rejected > 0 && mounted > 0, mounted + " mounted, " + rejected + " rejected");
    }

    /**
     * Where mutations matter: the boot sector, the used part of the FAT, and every directory
     * (offset, length pairs), plus the whole image as one region for the odd random hit.
     */
    private static int[][] hotRegions(byte[] image, FatGeometry g) throws IOException {
        List<int[]> regions = new ArrayList<>();
        regions.add(new int[] {0, 512});
        int entryBytes = Math.max(2, g.bitsPerEntry() / 8);
        regions.add(new int[] {(int) g.fatOffset(), (int) Math.min(g.fatBytes(), 2048L * entryBytes)});
        if (g.bitsPerEntry() != 32) {
            regions.add(new int[] {(int) g.rootDirOffset(), 2048});
        }
        FatVolume v = Images.volume(image);
        BitSet claimed = new BitSet();
        Deque<Long> dirs = new ArrayDeque<>();
        List<DirEntry> entries = g.bitsPerEntry() == 32
                ? DirectoryReader.readChain(v, g.rootCluster(), claimed, "root") : DirectoryReader.readFixedRoot(v);
        if (g.bitsPerEntry() == 32) {
            regions.add(new int[] {(int) g.clusterOffset(g.rootCluster()), g.clusterBytes()});
        }
        while (true) {
            for (DirEntry e : entries) {
                if (e.isDirectory() && !e.isDotEntry()) {
                    dirs.push(e.firstCluster());
                    regions.add(new int[] {(int) g.clusterOffset(e.firstCluster()), g.clusterBytes()});
                }
            }
            if (dirs.isEmpty()) {
                break;
            }
            entries = DirectoryReader.readChain(v, dirs.pop(), claimed, "dir");
        }
        regions.add(new int[] {0, image.length});
        return regions.toArray(int[][]::new);
    }

    private static void exercise(byte[] image, Random random) throws IOException {
        FatKvRo kv = Images.mount(image);
        for (String key : kv.keys()) {
            KvNode.File f = (KvNode.File) kv.find(key).orElseThrow();
            ByteBuffer all = kv.read(f, Encoding.IDENTITY, 0, (int) Math.min(f.length(), 1 << 20));
            if (all.remaining() != Math.min(f.length(), 1 << 20)) {
                throw new AssertionError("short read of " + key);
            }
            long offset = f.length() == 0 ? 0 : (random.nextLong() & Long.MAX_VALUE) % f.length();
            kv.read(f, Encoding.IDENTITY, offset, random.nextInt(4096));
        }
    }
}
