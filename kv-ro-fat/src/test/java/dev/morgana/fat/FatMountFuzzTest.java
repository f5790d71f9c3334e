package dev.morgana.fat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of mount, lookup and read. The input is a list of patches (where, what)
 * applied to a valid FAT16 image, so the fuzzer starts past the boot sector checks instead of
 * having to invent a 4 MB file system. Any outcome but a mount that serves every file or an
 * IOException with a message is a bug. Seeds run as a regression test; JAZZER_FUZZ=1 fuzzes.
 */
class FatMountFuzzTest {

    private static final byte[] IMAGE = baseImage();
    private static final FatGeometry GEOMETRY;

    static {
        try {
            GEOMETRY = Images.volume(IMAGE).geometry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] baseImage() {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("fat-jazzer-");
            return Images.build(tmp, Sites.sample(), FatOptions.Type.FAT16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Sites.delete(tmp);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void mountLookupAndReadFailOnlyWithIoExceptions(FuzzedDataProvider data) {
        byte[] image = IMAGE.clone();
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int metadata = (int) Math.min(image.length, GEOMETRY.dataOffset() + 64L * GEOMETRY.clusterBytes());
        for (int patches = 0; patches < 16 && data.remainingBytes() >= 5; patches++) {
            int at = data.consumeInt(0, metadata - 4);
            switch (data.consumeInt(0, 2)) {
                case 0 -> b.put(at, data.consumeByte());
                case 1 -> b.putShort(at, data.consumeShort());
                default -> b.putInt(at, data.consumeInt());
            }
        }
        FatKvRo kv;
        try {
            kv = Images.mount(image);
        } catch (IOException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
            return;
        }
        try {
            for (String key : kv.keys()) {
                KvNode.File file = (KvNode.File) kv.find(key).orElseThrow();
                kv.read(file, Encoding.IDENTITY, 0, Integer.MAX_VALUE);
                if (file.hasGzip()) {
                    kv.read(file, Encoding.GZIP, 0, Integer.MAX_VALUE);
                }
            }
        } catch (IOException failed) {
            assertTrue(failed.getMessage() != null && !failed.getMessage().isBlank());
        }
    }
}
