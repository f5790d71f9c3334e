package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoredZipEntryTest {

    @TempDir
    Path temp;

    private static final byte[] PAYLOAD = Sites.random(100_000, 42);

    /** A jar with a deflated class-like entry, the payload stored (with an extra field), and a comment. */
    private Path writeZip(boolean storePayload, String comment) throws IOException {
        Path zip = temp.resolve("app-" + storePayload + ".jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("Main.class"));
            out.write(Sites.utf8("not really a class ".repeat(100)));
            ZipEntry payload = new ZipEntry("morgana/htdocs.crunch");
            if (storePayload) {
                CRC32 crc = new CRC32();
                crc.update(PAYLOAD);
                payload.setMethod(ZipEntry.STORED);
                payload.setSize(PAYLOAD.length);
                payload.setCompressedSize(PAYLOAD.length);
                payload.setCrc(crc.getValue());
            }
            payload.setExtra(new byte[] {(byte) 0xfe, (byte) 0xca, 3, 0, 1, 2, 3}); // id, length, data
            out.putNextEntry(payload);
            out.write(PAYLOAD);
            out.putNextEntry(new ZipEntry("z-last.txt"));
            out.write(Sites.utf8("last"));
            if (comment != null) {
                out.setComment(comment);
            }
        }
        return zip;
    }

    private static Optional<StoredZipEntry.Region> find(Path zip, String name) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            return StoredZipEntry.find(channel, name);
        }
    }

    private static byte[] bytesAt(Path file, StoredZipEntry.Region region) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, (int) region.offset(), (int) (region.offset() + region.length()));
    }

    @Test
    void findsTheBytesOfAStoredEntry() throws IOException {
        for (String comment : new String[] {null, "", "a comment that follows the end record"}) {
            Path zip = writeZip(true, comment);
            StoredZipEntry.Region region = find(zip, "morgana/htdocs.crunch").orElseThrow();
            assertEquals(PAYLOAD.length, region.length());
            assertArrayEquals(PAYLOAD, bytesAt(zip, region));
        }
    }

    @Test
    void aCompressedOrMissingEntryIsNotFound() throws IOException {
        Path zip = writeZip(false, null);
        assertEquals(Optional.empty(), find(zip, "morgana/htdocs.crunch"));
        assertEquals(Optional.empty(), find(writeZip(true, null), "morgana/none.crunch"));
        assertEquals(Optional.empty(), find(writeZip(true, null), "morgana/htdocs.crunc"));
    }

    @Test
    void notAZipIsNotFound() throws IOException {
        Path empty = Files.write(temp.resolve("empty"), new byte[0]);
        Path noise = Files.write(temp.resolve("noise"), Sites.random(70_000, 3));
        assertEquals(Optional.empty(), find(empty, "morgana/htdocs.crunch"));
        assertEquals(Optional.empty(), find(noise, "morgana/htdocs.crunch"));
    }

    /**
     * Damaged zips (every byte of the headers changed, truncations) give nothing or a region that
     * lies inside the file; never an exception, never a hang.
     */
    @Test
    void damagedZipsGiveNothingOrARegionInsideTheFile() throws IOException {
        byte[] good = Files.readAllBytes(writeZip(true, "c"));
        Path damaged = temp.resolve("damaged.zip");
        Random random = new Random(5);
        int checked = 0;
        for (int i = 0; i < good.length; i++) {
            boolean header = i < 200 || i >= good.length - 300; // local headers, central directory, end
            if (!header && i % 997 != 0) {
                continue;
            }
            byte[] bytes = good.clone();
            bytes[i] = (byte) (bytes[i] ^ (1 + random.nextInt(255)));
            Files.write(damaged, bytes);
            Optional<StoredZipEntry.Region> region = find(damaged, "morgana/htdocs.crunch");
            region.ifPresent(r -> assertTrue(r.offset() >= 0 && r.offset() + r.length() <= bytes.length, r.toString()));
            checked++;
        }
        for (int length = 0; length < good.length; length += 1013) {
            Files.write(damaged, Arrays.copyOf(good, length));
            assertEquals(Optional.empty(), find(damaged, "morgana/htdocs.crunch"), "truncated to " + length);
        }
        assertTrue(checked > 400, "checked " + checked);
    }

    @Test
    void aStoreStoredInAJarIsReadFromWhereItLiesAndServesTheSameBytes() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Map<String, byte[]> files = Sites.writeSample(htdocs);
        Path storeFile = temp.resolve("htdocs.crunch");
        CrunchBuilder.build(htdocs, storeFile, Sites.MODIFIED, line -> { });
        byte[] store = Files.readAllBytes(storeFile);
        for (boolean stored : new boolean[] {true, false}) {
            Path jar = temp.resolve("site-" + stored + ".jar");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
                ZipEntry entry = new ZipEntry("morgana/htdocs.crunch");
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(store);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(store.length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(store);
            }
            assertEquals(stored, find(jar, "morgana/htdocs.crunch").isPresent());
            // Read at once into a buffer, or (a lower threshold) mapped where it lies.
            for (int readAtOnceMax : new int[] {CrunchStore.READ_AT_ONCE_MAX, 1024}) {
                try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                        CrunchStore crunch = CrunchStore.openResource(loader, "/morgana/htdocs.crunch", readAtOnceMax)) {
                    for (Map.Entry<String, byte[]> file : files.entrySet()) {
                        KvNode.File node = (KvNode.File) crunch.find(file.getKey()).orElseThrow();
                        assertArrayEquals(file.getValue(), bytes(crunch.read(node, Encoding.IDENTITY, 0, 1 << 20)),
                                file.getKey() + (stored ? " (in place, at most " + readAtOnceMax + " read at once)"
                                        : " (streamed)"));
                    }
                }
            }
        }
    }

    @Test
    void aDamagedStoreReadFromAJarIsRefusedWhenOpened() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Sites.writeSample(htdocs);
        Path storeFile = temp.resolve("htdocs.crunch");
        CrunchBuilder.build(htdocs, storeFile, Sites.MODIFIED, line -> { });
        byte[] store = Files.readAllBytes(storeFile);
        store[CrunchFormat.HEADER_LENGTH + 3] ^= 0x40; // inside the index: its checksum no longer matches
        Path jar = temp.resolve("damaged.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            ZipEntry entry = new ZipEntry("morgana/htdocs.crunch");
            CRC32 crc = new CRC32();
            crc.update(store);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(store.length);
            entry.setCrc(crc.getValue());
            out.putNextEntry(entry);
            out.write(store);
        }
        assertTrue(find(jar, "morgana/htdocs.crunch").isPresent());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            CrunchException e = assertThrows(CrunchException.class,
                    () -> CrunchStore.openResource(loader, "/morgana/htdocs.crunch"));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (buffer.hasRemaining()) {
            out.write(buffer.get());
        }
        return out.toByteArray();
    }
}
