package dev.morgana.appliance.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Layer blobs decompress to the very tar they were made from, the same bytes every time. */
@Timeout(120)
class LayerCompressionTest {

    @TempDir
    Path tmp;

    /** A layer-like tar: a compressible text file and a random (incompressible) one. */
    private static byte[] sampleTar() throws IOException {
        byte[] random = new byte[300_000];
        new Random(8).nextBytes(random);
        return new TarBuilder(Instant.parse("2026-01-01T00:00:00Z"), 0)
                .file("opt/text.txt", "morgana appliance layer\n".repeat(20_000).getBytes(StandardCharsets.UTF_8), 0644)
                .file("opt/random.bin", random, 0644)
                .tarBytes();
    }

    @Test
    void gzipLayersDecompressToTheTarAndRepeatByteForByte() throws IOException {
        byte[] tar = sampleTar();
        byte[] blob = LayerCompression.GZIP.compress(tar);

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
            assertArrayEquals(tar, in.readAllBytes());
        }
        assertArrayEquals(blob, LayerCompression.GZIP.compress(tar));
        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", LayerCompression.GZIP.mediaType());
    }

    @Test
    void zstdLayersDecompressToTheTarWithTheZstdToolAndRepeatByteForByte() throws Exception {
        boolean present = new ProcessBuilder("sh", "-c", "command -v zstd").start().waitFor() == 0;
        if (!present) {
            System.out.println("SKIPPED: zstd is not installed (make deps installs it as root)");
        }
        assumeTrue(present, "zstd is not installed");
        byte[] tar = sampleTar();
        byte[] blob = LayerCompression.ZSTD.compress(tar);

        Path file = tmp.resolve("layer.tar.zst");
        Files.write(file, blob);
        Process unzstd = new ProcessBuilder("zstd", "-d", "-q", "-c", file.toString()).start();
        byte[] back = unzstd.getInputStream().readAllBytes();
        assertEquals(0, unzstd.waitFor());
        assertArrayEquals(tar, back);
        assertArrayEquals(blob, LayerCompression.ZSTD.compress(tar));
        assertTrue(blob.length < LayerCompression.GZIP.compress(tar).length, "zstd -22 beats gzip -9 on this tar");
        assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", LayerCompression.ZSTD.mediaType());
    }

    @Test
    void namesAreGzipByDefaultZstdOnRequestAndAnythingElseIsRefused() {
        assertEquals(LayerCompression.GZIP, LayerCompression.named(null));
        assertEquals(LayerCompression.GZIP, LayerCompression.named(""));
        assertEquals(LayerCompression.GZIP, LayerCompression.named("gzip"));
        assertEquals(LayerCompression.ZSTD, LayerCompression.named("zstd"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> LayerCompression.named("xz"));
        assertEquals("bad value 'xz' for MORGANA_LAYERS: accepted values are gzip, zstd", bad.getMessage());
    }
}
