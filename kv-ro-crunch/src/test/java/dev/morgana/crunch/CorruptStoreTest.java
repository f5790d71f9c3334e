package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged stores: a damaged header or index is refused at open with a {@link CrunchException};
 * damaged data is served as it is. Nothing else is ever thrown, nothing hangs.
 */
@Timeout(120)
class CorruptStoreTest {

    @TempDir
    static Path temp;

    static byte[] store;
    static int dataStart;

    @BeforeAll
    static void buildSmallStore() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Files.createDirectories(htdocs.resolve("docs/deep"));
        Files.writeString(htdocs.resolve("index.html"), "<p>index</p>\n".repeat(10));
        Files.writeString(htdocs.resolve("docs/deep/a.css"), "p{}");
        Files.write(htdocs.resolve("docs/x.png"), Sites.random(40, 1));
        Files.write(htdocs.resolve("empty.txt"), new byte[0]);
        Path file = temp.resolve("small.crunch");
        CrunchBuilder.build(htdocs, file, Sites.MODIFIED, line -> {});
        store = Files.readAllBytes(file);
        dataStart = CrunchFormat.HEADER_LENGTH + (int) ByteBuffer.wrap(store, 16, 8).getLong();
        assertTrue(((KvNode.File) load(store).find("index.html").orElseThrow()).hasGzip(), "the sample has a gzip variant");
    }

    @Test
    void everyTruncationIsRefusedAtOpen() throws IOException {
        Path file = temp.resolve("truncated.crunch");
        for (int length = 0; length < store.length; length++) {
            byte[] truncated = Arrays.copyOf(store, length);
            assertThrows(CrunchException.class, () -> load(truncated), "truncated to " + length);
            assertThrows(CrunchException.class,
                    () -> CrunchStore.load(new ByteArrayInputStream(truncated), truncated.length, "crunch:test"));
            Files.write(file, truncated);
            assertThrows(CrunchException.class, () -> CrunchStore.open(file), "file truncated to " + length);
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] longer = Arrays.copyOf(store, store.length + 1);
        assertThrows(CrunchException.class, () -> load(longer));
        assertThrows(CrunchException.class,
                () -> CrunchStore.load(new ByteArrayInputStream(longer), longer.length, "crunch:test"));
    }

    @Test
    void everyFlippedHeaderOrIndexByteIsRefusedAtOpen() {
        for (int position = 0; position < dataStart; position++) {
            for (int mask : new int[] {0x01, 0x10, 0x80, 0xff}) {
                byte[] damaged = store.clone();
                damaged[position] ^= (byte) mask;
                CrunchException e = assertThrows(CrunchException.class, () -> load(damaged),
                        "flip " + mask + " at " + position);
                assertTrue(e.getMessage().startsWith("crunch:test: not a valid crunch store: "), e.getMessage());
            }
        }
    }

    @Test
    void everyFlippedDataByteIsServedAsItIs() throws IOException {
        for (int position = dataStart; position < store.length; position++) {
            byte[] damaged = store.clone();
            damaged[position] ^= (byte) 0xff;
            try (CrunchStore opened = load(damaged)) {
                ByteArrayOutputStream served = new ByteArrayOutputStream();
                for (String key : opened.keys()) {
                    KvNode.File file = (KvNode.File) opened.find(key).orElseThrow();
                    served.writeBytes(CrunchRoundTripTest.bytes(opened.read(file, Encoding.IDENTITY, 0, Integer.MAX_VALUE)));
                    if (file.hasGzip()) {
                        served.writeBytes(CrunchRoundTripTest.bytes(opened.read(file, Encoding.GZIP, 0, Integer.MAX_VALUE)));
                    }
                }
                assertArrayEquals(Arrays.copyOfRange(damaged, dataStart, damaged.length), served.toByteArray());
            }
        }
    }

    /**
     * Index mutations with a recomputed checksum reach the parser's own checks: each must be
     * refused or give a store that serves every key without error.
     */
    @Test
    void mutatedIndexesWithValidChecksumsAreRefusedOrServed() {
        Random random = new Random(42);
        int opened = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] damaged = store.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int position = CrunchFormat.HEADER_LENGTH + random.nextInt(dataStart - CrunchFormat.HEADER_LENGTH);
                damaged[position] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : (byte) (damaged[position] ^ (1 << random.nextInt(8)));
            }
            fixChecksum(damaged);
            try (CrunchStore mutated = load(damaged)) {
                opened++;
                serveEverything(mutated);
            } catch (CrunchException expected) {
                assertTrue(expected.getMessage().startsWith("crunch:test: not a valid crunch store: "),
                        expected.getMessage());
            } catch (RuntimeException | IOException e) {
                fail("round " + round + ": unexpected " + e, e);
            }
        }
        assertTrue(opened < 5_000, "most mutations must be caught");
    }

    @Test
    void absurdLengthsInTheHeaderAllocateNothing() {
        for (long length : new long[] {-1, Long.MAX_VALUE, 1L << 62, 1L << 40, Integer.MAX_VALUE}) {
            byte[] damaged = store.clone();
            ByteBuffer.wrap(damaged).putLong(24, length);
            assertThrows(CrunchException.class, () -> load(damaged));
            assertThrows(CrunchException.class,
                    () -> CrunchStore.load(new ByteArrayInputStream(damaged), damaged.length, "crunch:test"));
        }
    }

    @Test
    void otherFilesAreRefusedWithAClearMessage() throws IOException {
        Path file = temp.resolve("not-a-store.html");
        Files.writeString(file, "<!DOCTYPE html><html><body>not a store, but long enough for a header</body></html>");
        CrunchException e = assertThrows(CrunchException.class, () -> CrunchStore.open(file));
        assertEquals("crunch:" + file + ": not a valid crunch store: wrong magic (not a crunch store)", e.getMessage());
    }

    @Test
    void aDirectoryOrFifoIsRefusedWithoutBlocking() throws Exception {
        assertEquals("crunch:" + temp + ": not a regular file",
                assertThrows(CrunchException.class, () -> CrunchStore.open(temp)).getMessage());
        Path fifo = temp.resolve("store.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.exitValue() == 0, "mkfifo failed on this file system");
        assertThrows(CrunchException.class, () -> CrunchStore.open(fifo));
        Files.delete(fifo);
    }

    private static void serveEverything(CrunchStore opened) {
        for (String key : opened.keys()) {
            KvNode node = opened.find(key).orElseThrow();
            if (node instanceof KvNode.File file) {
                opened.read(file, Encoding.IDENTITY, 0, Integer.MAX_VALUE);
                if (file.hasGzip()) {
                    opened.read(file, Encoding.GZIP, 0, Integer.MAX_VALUE);
                }
            }
        }
    }

    private static void fixChecksum(byte[] damaged) {
        CRC32C crc = new CRC32C();
        crc.update(damaged, CrunchFormat.HEADER_LENGTH, dataStart - CrunchFormat.HEADER_LENGTH);
        ByteBuffer.wrap(damaged).putInt(32, (int) crc.getValue());
    }

    private static CrunchStore load(byte[] bytes) throws IOException {
        return CrunchStore.load(new ByteArrayInputStream(bytes), -1, "crunch:test");
    }
}
