package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Block;
import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.MediaTypes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class FatKvRoTest {

    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("fat-kv-");
    }

    @AfterEach
    void tearDown() {
        Sites.delete(tmp);
    }

    /** What the crunch store reports for the same file (see KvNode.File), gzip variant included. */
    static KvNode.File expected(String key, byte[] content, Instant epoch) {
        byte[] gzip = MediaTypes.isCompressible(MediaTypes.forName(key)) ? GzipVariant.compressIfSmaller(content) : null;
        return new KvNode.File(key, content.length, MediaTypes.forName(key), ETags.of(content), epoch,
                gzip == null ? -1 : gzip.length);
    }

    /** The same metadata without a gzip variant (images not made by FatImageBuilder). */
    static KvNode.File expectedWithoutGzip(String key, byte[] content, Instant epoch) {
        return new KvNode.File(key, content.length, MediaTypes.forName(key), ETags.of(content), epoch, -1);
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void servesEveryFileWithTheSameMetadataAsCrunch(FatOptions.Type type) throws Exception {
        Map<String, byte[]> site = Sites.sample();
        FatKvRo kv = Images.mount(Images.build(tmp, site, type));
        assertEquals(List.copyOf(site.keySet()), kv.keys());
        for (Map.Entry<String, byte[]> e : site.entrySet()) {
            KvNode.File expected = expected(e.getKey(), e.getValue(), Images.EPOCH);
            assertEquals(Optional.of(expected), kv.find(e.getKey()));
            ByteBuffer content = kv.read(expected, Encoding.IDENTITY, 0, Integer.MAX_VALUE);
            assertArrayEquals(e.getValue(), bytes(content), e.getKey());
            if (expected.hasGzip()) {
                byte[] gzip = bytes(kv.read(expected, Encoding.GZIP, 0, Integer.MAX_VALUE));
                assertArrayEquals(GzipVariant.compressIfSmaller(e.getValue()), gzip, e.getKey());
                try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
                    assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
                }
            } else {
                assertThrows(IllegalArgumentException.class, () -> kv.read(expected, Encoding.GZIP, 0, 1));
            }
        }
        long variants = site.keySet().stream().filter(k -> ((KvNode.File) kv.find(k).orElseThrow()).hasGzip()).count();
        assertTrue(variants >= 2, variants + " gzip variants");
        assertEquals(Optional.empty(), kv.find(GzipVariant.DIRECTORY));
        assertEquals(Optional.empty(), kv.find(GzipVariant.DIRECTORY + "/index.html.gz"));
    }

    @Test
    void gzipVariantIsCrunchsFormatWithAFixedHeader() {
        byte[] content = Sites.text(10_000, 8);
        byte[] gzip = GzipVariant.compressIfSmaller(content);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 0xff}, Arrays.copyOf(gzip, 10));
        assertEquals(null, GzipVariant.compressIfSmaller(Sites.random(10_000, 9)));
        assertEquals(null, GzipVariant.compressIfSmaller(new byte[20]));
    }

    @Test
    void staleGzipVariantIsDroppedAndTheFileServedAsIs() throws Exception {
        Map<String, byte[]> site = Sites.sample();
        byte[] image = Images.build(tmp, site, FatOptions.Type.FAT16);
        DirEntry entry = Images.entry(image, "docs/getting-started-with-a-rather-long-file-name.html");
        FatGeometry g = Images.volume(image).geometry();
        int at = (int) g.clusterOffset(entry.firstCluster()) + 10;
        image[at] = (byte) (image[at] ^ 1); // the content changes; its stored gzip variant is now stale
        byte[] changed = site.get("docs/getting-started-with-a-rather-long-file-name.html").clone();
        changed[10] = (byte) (changed[10] ^ 1);
        FatKvRo kv = Images.mount(image);
        KvNode.File f = (KvNode.File) kv.find("docs/getting-started-with-a-rather-long-file-name.html").orElseThrow();
        assertEquals(expectedWithoutGzip(f.key(), changed, Images.EPOCH), f);
        String other = "docs/api/Reference Manual (v2) [draft];final=yes+more.HTML";
        assertEquals(expected(other, site.get(other), Images.EPOCH), kv.find(other).orElseThrow());
        assertTrue(((KvNode.File) kv.find(other).orElseThrow()).hasGzip(), "other variants stay");
    }

    @Test
    void findsDirectoriesAndRejectsMalformedKeys() throws Exception {
        FatKvRo kv = Images.mount(Images.build(tmp, Sites.sample(), FatOptions.Type.FAT16));
        assertEquals(Optional.of(new KvNode.Directory("")), kv.find(""));
        assertEquals(Optional.of(new KvNode.Directory("docs/api/deep")), kv.find("docs/api/deep"));
        for (String bad : List.of("nope.html", "/index.html", "docs/", "docs//api", "../index.html",
                "docs/../index.html", "./index.html", "INDEX.HTML", "docs\\api", "index.html\0")) {
            assertEquals(Optional.empty(), kv.find(bad), bad);
        }
    }

    @Test
    void oddSecondEpochIsKeptToTheSecond() throws Exception {
        Instant odd = Instant.parse("2025-03-04T05:06:07Z");
        Path dir = Sites.write(tmp.resolve("site"), Map.of("a.txt", new byte[] {1, 2, 3}));
        FatImageBuilder.build(dir, tmp.resolve("odd.img"), new FatOptions(FatOptions.Type.AUTO, 0, odd), s -> {});
        FatKvRo kv = Images.mount(Files.readAllBytes(tmp.resolve("odd.img")));
        assertEquals(odd, ((KvNode.File) kv.find("a.txt").orElseThrow()).lastModified());
    }

    @Test
    void readsRangesByteExact() throws Exception {
        Map<String, byte[]> site = Sites.sample();
        byte[] blob = site.get("big/blob.bin");
        FatKvRo kv = Images.mount(Images.build(tmp, site, FatOptions.Type.FAT16));
        KvNode.File f = (KvNode.File) kv.find("big/blob.bin").orElseThrow();
        long[][] ranges = {{0, 10}, {12_345, 70_000}, {1023, 2}, {299_990, 100}, {300_000, 5}, {5, 0}};
        for (long[] r : ranges) {
            int from = (int) r[0];
            int to = (int) Math.min(blob.length, r[0] + r[1]);
            ByteBuffer got = kv.read(f, Encoding.IDENTITY, r[0], (int) r[1]);
            assertTrue(got.isReadOnly());
            assertArrayEquals(Arrays.copyOfRange(blob, from, to), bytes(got), Arrays.toString(r));
        }
        assertThrows(IllegalArgumentException.class, () -> kv.read(f, Encoding.IDENTITY, 300_001, 1));
        assertThrows(IllegalArgumentException.class, () -> kv.read(f, Encoding.IDENTITY, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> kv.read(f, Encoding.IDENTITY, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> kv.read(f, Encoding.GZIP, 0, 1));
        KvNode.File foreign = new KvNode.File("big/blob.bin", 5, "x/y", "\"x\"", Images.EPOCH, -1);
        assertThrows(IllegalArgumentException.class, () -> kv.read(foreign, Encoding.IDENTITY, 0, 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1000, 150_001, 299_000})
    void readsOnlyTheClustersOfTheRequestedRange(long offset) throws Exception {
        byte[] image = Images.build(tmp, Sites.sample(), FatOptions.Type.FAT16);
        AtomicLong bytesRead = new AtomicLong();
        Block counting = new CountingBlock(new MemoryBlock("counted", ByteBuffer.wrap(image)), bytesRead);
        FatKvRo kv = FatKvRo.mount(counting);
        KvNode.File f = (KvNode.File) kv.find("big/blob.bin").orElseThrow();
        bytesRead.set(0);
        ByteBuffer got = kv.read(f, Encoding.IDENTITY, offset, 100);
        assertEquals(100, got.remaining());
        assertTrue(bytesRead.get() <= 1024, "read " + bytesRead.get() + " bytes for 100");
    }

    @Test
    void nameNamesTheBlock() throws Exception {
        FatKvRo kv = Images.mount(Images.build(tmp, Sites.sample(), FatOptions.Type.FAT16));
        assertEquals("fat:test", kv.name());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Counts the bytes read through it. */
    record CountingBlock(Block inner, AtomicLong bytes) implements Block {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int sectorSize() {
            return inner.sectorSize();
        }

        @Override
        public long sectors() {
            return inner.sectors();
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void read(long sector, ByteBuffer dst) throws IOException {
            bytes.addAndGet(dst.remaining());
            inner.read(sector, dst);
        }

        @Override
        public void write(long sector, ByteBuffer src) throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public void close() {}
    }
}
