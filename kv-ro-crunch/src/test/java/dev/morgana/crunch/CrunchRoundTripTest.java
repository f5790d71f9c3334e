package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CrunchRoundTripTest {

    @TempDir
    static Path temp;

    static Map<String, byte[]> files;
    static Path storeFile;

    @BeforeAll
    static void buildSample() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        files = Sites.writeSample(htdocs);
        storeFile = temp.resolve("out/site.crunch");
        List<String> progress = new ArrayList<>();
        CrunchBuilder.Result result = CrunchBuilder.build(htdocs, storeFile, Sites.MODIFIED, progress::add);
        assertEquals(files.size(), result.files());
        assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), result.totalBytes());
        assertEquals(Files.size(storeFile), result.storeSize());
        assertEquals(1, progress.size(), "a small site reports only its summary: " + progress);
        assertTrue(progress.getFirst().startsWith("crunch: " + files.size() + " files"), progress.getFirst());
    }

    @Test
    void everyFileReadsBackWithItsBytesAndMetadata() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            for (Map.Entry<String, byte[]> expected : files.entrySet()) {
                KvNode.File file = assertInstanceOf(KvNode.File.class, store.find(expected.getKey()).orElseThrow());
                byte[] content = expected.getValue();
                assertEquals(expected.getKey(), file.key());
                assertEquals(content.length, file.length());
                assertEquals(MediaTypes.forName(expected.getKey()), file.contentType());
                assertEquals(ETags.of(content), file.etag());
                assertEquals(Sites.MODIFIED, file.lastModified());
                assertArrayEquals(content, bytes(store.read(file, Encoding.IDENTITY, 0, Integer.MAX_VALUE)),
                        expected.getKey());
            }
        }
    }

    @Test
    void directoriesIncludingTheRootAreFound() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            for (String dir : List.of("", "a", "a/deeper", "a/deeper/still", "café", "日本語", "empty-dir", "data")) {
                assertEquals(Optional.of(new KvNode.Directory(dir)), store.find(dir), dir);
            }
        }
    }

    @Test
    void keysAreTheFilesSortedByUtf8Bytes() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            List<String> expected = new ArrayList<>(files.keySet());
            expected.sort((x, y) -> Arrays.compareUnsigned(Sites.utf8(x), Sites.utf8(y)));
            assertEquals(expected, store.keys());
            // "a.txt" sorts before "a/b.css" because '.' < '/'.
            assertTrue(store.keys().indexOf("a.txt") < store.keys().indexOf("a/b.css"));
        }
    }

    @Test
    void missingAndInvalidKeysFindNothing() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            for (String key : List.of("nope", "a/", "/a.txt", "a//b.css", "./a.txt", "a/../a.txt", "..", "a\\b.css",
                    "index.html\0", "A.TXT", "a/b.css/x")) {
                assertEquals(Optional.empty(), store.find(key), key);
            }
        }
    }

    @Test
    void readsRangesAsReadOnlySlices() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            KvNode.File blob = (KvNode.File) store.find("data/blob.bin").orElseThrow();
            byte[] content = files.get("data/blob.bin");
            ByteBuffer middle = store.read(blob, Encoding.IDENTITY, 1000, 500);
            assertTrue(middle.isReadOnly());
            assertArrayEquals(Arrays.copyOfRange(content, 1000, 1500), bytes(middle));
            assertThrows(ReadOnlyBufferException.class, () -> store.read(blob, Encoding.IDENTITY, 0, 1).put((byte) 1));
            ByteBuffer tail = store.read(blob, Encoding.IDENTITY, content.length - 10, 100);
            assertArrayEquals(Arrays.copyOfRange(content, content.length - 10, content.length), bytes(tail));
            assertEquals(0, store.read(blob, Encoding.IDENTITY, content.length, 100).remaining());
            assertThrows(IllegalArgumentException.class, () -> store.read(blob, Encoding.IDENTITY, content.length + 1, 1));
            assertThrows(IllegalArgumentException.class, () -> store.read(blob, Encoding.IDENTITY, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> store.read(blob, Encoding.IDENTITY, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> store.read(blob, Encoding.GZIP, 0, 1));
        }
    }

    @Test
    void refusesFilesFromElsewhere() throws IOException {
        try (CrunchStore store = CrunchStore.open(storeFile)) {
            KvNode.File real = (KvNode.File) store.find("a.txt").orElseThrow();
            KvNode.File forged = new KvNode.File("a.txt", 1000, real.contentType(), real.etag(), real.lastModified(), -1);
            assertThrows(IllegalArgumentException.class, () -> store.read(forged, Encoding.IDENTITY, 0, 1000));
        }
    }

    @Test
    void opensFromTheClassPathInADirectoryAndInAJar() throws IOException {
        Path classes = temp.resolve("classes/morgana");
        Files.createDirectories(classes);
        Files.copy(storeFile, classes.resolve("htdocs.crunch"));
        Path jar = temp.resolve("site.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("morgana/htdocs.crunch"));
            Files.copy(storeFile, out);
        }
        for (URL root : List.of(temp.resolve("classes").toUri().toURL(), jar.toUri().toURL())) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {root}, null);
                    CrunchStore store = CrunchStore.openResource(loader, "/morgana/htdocs.crunch")) {
                assertEquals("crunch:/morgana/htdocs.crunch", store.name());
                KvNode.File index = (KvNode.File) store.find("index.html").orElseThrow();
                assertArrayEquals(files.get("index.html"), bytes(store.read(index, Encoding.IDENTITY, 0, 1 << 20)));
            }
        }
    }

    @Test
    void loadsAStreamOfUnknownLength() throws IOException {
        try (InputStream in = Files.newInputStream(storeFile);
                CrunchStore store = CrunchStore.load(in, -1, "crunch:stream")) {
            assertEquals(files.keySet().stream().sorted().count(), store.keys().size());
            KvNode.File blob = (KvNode.File) store.find("data/blob.bin").orElseThrow();
            assertArrayEquals(files.get("data/blob.bin"), bytes(store.read(blob, Encoding.IDENTITY, 0, 1 << 20)));
        }
    }

    @Test
    void aMissingResourceIsNamedInTheError() {
        CrunchException e = assertThrows(CrunchException.class, () -> CrunchStore.openResource("/morgana/none.crunch"));
        assertTrue(e.getMessage().contains("/morgana/none.crunch"), e.getMessage());
    }

    @Test
    void nameAndClosedState() throws IOException {
        CrunchStore store = CrunchStore.open(storeFile);
        assertEquals("crunch:" + storeFile, store.name());
        ByteBuffer kept = store.read((KvNode.File) store.find("a.txt").orElseThrow(), Encoding.IDENTITY, 0, 100);
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.find("a.txt"));
        assertArrayEquals(files.get("a.txt"), bytes(kept), "buffers read before close stay valid");
    }

    @Test
    void anEmptySiteHoldsOnlyItsRoot() throws IOException {
        Path empty = temp.resolve("empty-site");
        Files.createDirectories(empty);
        Path file = temp.resolve("out/empty.crunch");
        CrunchBuilder.Result result = CrunchBuilder.build(empty, file, Sites.MODIFIED, line -> {});
        assertEquals(new CrunchBuilder.Result(0, 1, 0, 0, Files.size(file)), result);
        try (CrunchStore store = CrunchStore.open(file)) {
            assertEquals(List.of(), store.keys());
            assertEquals(Optional.of(new KvNode.Directory("")), store.find(""));
            assertEquals(Optional.empty(), store.find("index.html"));
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
