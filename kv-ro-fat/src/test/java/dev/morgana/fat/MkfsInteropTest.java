package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reverse direction: images made by mkfs.fat and filled by mcopy are served correctly. */
@Timeout(120)
class MkfsInteropTest {

    private static final Instant MTIME = Instant.parse("2024-05-06T07:08:10Z");

    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("fat-mkfs-");
    }

    @AfterEach
    void tearDown() {
        Sites.delete(tmp);
    }

    private static void check(Tools.Run run, String what) {
        assertEquals(0, run.exit(), what + ": " + run.out() + run.stderr());
    }

    /** Makes an image with mkfs.fat and copies {@code site} into it with mcopy, times kept. */
    private Path mkfsImage(Map<String, byte[]> site, String fatBits, String kib) throws Exception {
        Path src = Sites.write(tmp.resolve("src"), site);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(MTIME));
            }
        }
        Path image = tmp.resolve("mkfs.img");
        check(Tools.run("mkfs.fat", "-C", "-F", fatBits, "-i", "12345678", image.toString(), kib), "mkfs.fat");
        List<String> cmd = new ArrayList<>(List.of("mcopy", "-s", "-m", "-i", image.toString()));
        try (Stream<Path> top = Files.list(src)) {
            top.sorted().forEach(p -> cmd.add(p.toString()));
        }
        cmd.add("::/");
        check(Tools.run(cmd.toArray(String[]::new)), "mcopy");
        return image;
    }

    @ParameterizedTest
    @CsvSource({"12, 2048", "16, 16384", "32, 40000"})
    void servesEveryFileOfAnMkfsImageWithCorrectMetadata(String fatBits, String kib) throws Exception {
        Tools.require("mkfs.fat");
        Tools.require("mcopy");
        Map<String, byte[]> site = Sites.sample();
        Path image = mkfsImage(site, fatBits, kib);
        try (FileBlock block = FileBlock.open(image)) {
            FatKvRo kv = FatKvRo.mount(block);
            assertEquals(List.copyOf(site.keySet()), kv.keys());
            for (Map.Entry<String, byte[]> e : site.entrySet()) {
                KvNode.File expected = FatKvRoTest.expectedWithoutGzip(e.getKey(), e.getValue(), MTIME);
                assertEquals(expected, kv.find(e.getKey()).orElseThrow(), e.getKey());
                assertArrayEquals(e.getValue(),
                        FatKvRoTest.bytes(kv.read(expected, Encoding.IDENTITY, 0, e.getValue().length)), e.getKey());
            }
            assertEquals(new KvNode.Directory("docs/api/deep/deeper"), kv.find("docs/api/deep/deeper").orElseThrow());
        }
    }

    @Test
    void readsAFragmentedFileAcrossItsRuns() throws Exception {
        Tools.require("mkfs.fat");
        Tools.require("mcopy");
        Map<String, byte[]> site = new TreeMap<>();
        site.put("a.bin", Sites.random(20_000, 1));
        site.put("b.bin", Sites.random(3_000, 2));
        Path image = mkfsImage(site, "16", "16384");
        check(Tools.run("mdel", "-i", image.toString(), "::/a.bin"), "mdel");
        byte[] c = Sites.random(90_000, 3);
        Path cFile = Files.write(tmp.resolve("c.bin"), c);
        check(Tools.run("mcopy", "-i", image.toString(), cFile.toString(), "::/c.bin"), "mcopy c");
        try (FileBlock block = FileBlock.open(image)) {
            FatKvRo kv = FatKvRo.mount(block);
            assertEquals(List.of("b.bin", "c.bin"), kv.keys());
            assertTrue(runs(image, "c.bin") > 1, "c.bin should be fragmented");
            KvNode.File f = (KvNode.File) kv.find("c.bin").orElseThrow();
            assertArrayEquals(c, FatKvRoTest.bytes(kv.read(f, Encoding.IDENTITY, 0, c.length)));
            for (int offset = 0; offset < c.length; offset += 7_777) {
                ByteBuffer part = kv.read(f, Encoding.IDENTITY, offset, 5_000);
                assertArrayEquals(Arrays.copyOfRange(c, offset, Math.min(c.length, offset + 5_000)),
                        FatKvRoTest.bytes(part), "offset " + offset);
            }
        }
    }

    private static int runs(Path image, String key) throws IOException {
        byte[] bytes = Files.readAllBytes(image);
        DirEntry e = Images.entry(bytes, key);
        FatVolume v = Images.volume(bytes);
        long clusters = (e.size() + v.geometry().clusterBytes() - 1) / v.geometry().clusterBytes();
        return ClusterRuns.walk(v, e.firstCluster(), clusters, clusters,
                new java.util.BitSet(), key).count();
    }
}
