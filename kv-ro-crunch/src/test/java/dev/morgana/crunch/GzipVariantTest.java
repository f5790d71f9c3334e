package dev.morgana.crunch;

import static dev.morgana.crunch.CrunchRoundTripTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GzipVariantTest {

    @TempDir
    Path temp;

    @Test
    void compressibleTextGetsAGzipVariantThatDecompressesToTheOriginal() throws IOException {
        Map<String, byte[]> files = Sites.writeSample(temp.resolve("htdocs"));
        Path storeFile = temp.resolve("site.crunch");
        CrunchBuilder.build(temp.resolve("htdocs"), storeFile, Sites.MODIFIED, line -> {});
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            for (String key : new String[] {"index.html", "a/b.css", "a/deeper/still/page.html", "data/zeros.bin"}) {
                KvNode.File file = (KvNode.File) store.find(key).orElseThrow();
                assertTrue(file.hasGzip(), key);
                assertTrue(file.gzipLength() < file.length(), key);
                byte[] gzip = bytes(store.read(file, Encoding.GZIP, 0, Integer.MAX_VALUE));
                assertEquals(file.gzipLength(), gzip.length);
                assertArrayEquals(files.get(key), gunzip(gzip), key);
            }
        }
    }

    @Test
    void noVariantWhereGzipWouldNotBeSmallerOrTheTypeIsAlreadyCompressed() throws IOException {
        Map<String, byte[]> files = Sites.writeSample(temp.resolve("htdocs"));
        // A PNG full of zeros would compress, but image/png is not a compressible type.
        Files.write(temp.resolve("htdocs/images/flat.png"), new byte[10_000]);
        Path storeFile = temp.resolve("site.crunch");
        CrunchBuilder.build(temp.resolve("htdocs"), storeFile, Sites.MODIFIED, line -> {});
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            for (String key : new String[] {"data/blob.bin", "images/noise.png", "images/flat.png", "a.txt",
                    "empty.txt", "emoji-\uD83D\uDE00.txt"}) {
                assertFalse(((KvNode.File) store.find(key).orElseThrow()).hasGzip(), key);
            }
            assertEquals(files.get("a.txt").length, ((KvNode.File) store.find("a.txt").orElseThrow()).length());
        }
    }

    @Test
    void gzipHeaderCarriesNoTimeNameOrMachine() throws IOException {
        byte[] text = Sites.utf8("repetitive text ".repeat(500));
        byte[] gzip = DeterministicGzip.compressIfSmaller(text).orElseThrow();
        byte[] expectedHeader = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 255};
        assertArrayEquals(expectedHeader, Arrays.copyOf(gzip, 10));
        assertArrayEquals(text, gunzip(gzip));
        assertArrayEquals(gzip, DeterministicGzip.compressIfSmaller(text).orElseThrow());
    }

    @Test
    void givesUpOnIncompressibleAndTinyInput() {
        assertTrue(DeterministicGzip.compressIfSmaller(Sites.random(100_000, 3)).isEmpty());
        assertTrue(DeterministicGzip.compressIfSmaller(new byte[0]).isEmpty());
        assertTrue(DeterministicGzip.compressIfSmaller(new byte[20]).isEmpty());
        byte[] small = new byte[40];
        byte[] gzip = DeterministicGzip.compressIfSmaller(small).orElseThrow();
        assertTrue(gzip.length < small.length);
    }

    static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }
}
