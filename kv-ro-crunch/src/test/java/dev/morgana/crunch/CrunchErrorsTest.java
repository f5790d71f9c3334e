package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every way a site can be refused, each naming the file at fault. */
@Timeout(60)
class CrunchErrorsTest {

    @TempDir
    Path temp;

    Path htdocs;
    Path output;

    @BeforeEach
    void site() throws IOException {
        htdocs = temp.resolve("htdocs");
        Files.createDirectories(htdocs.resolve("sub"));
        Files.writeString(htdocs.resolve("index.html"), "<p>hi</p>");
        Files.writeString(htdocs.resolve("sub/page.html"), "<p>page</p>");
        output = temp.resolve("out/site.crunch");
    }

    @Test
    void aSymlinkLeavingHtdocsStopsTheBuild() throws IOException {
        Files.writeString(temp.resolve("secret.txt"), "private");
        Files.createSymbolicLink(htdocs.resolve("sub/leak.txt"), Path.of("../../secret.txt"));
        String message = failure();
        assertTrue(message.contains("sub/leak.txt") && message.contains("outside htdocs"), message);
        assertFalse(Files.exists(output), "no store is written");
    }

    @Test
    void anAbsoluteSymlinkToADirectoryOutsideStopsTheBuild() throws IOException {
        Files.createSymbolicLink(htdocs.resolve("etc"), temp);
        assertTrue(failure().contains("outside htdocs"));
    }

    @Test
    void symlinksInsideHtdocsAreFollowedAsFiles() throws IOException {
        Files.createSymbolicLink(htdocs.resolve("alias.html"), Path.of("sub/page.html"));
        Files.createSymbolicLink(htdocs.resolve("mirror"), Path.of("sub"));
        CrunchBuilder.build(htdocs, output, Sites.MODIFIED, line -> {});
        try (CrunchStore store = CrunchStore.open(output)) {
            KvNode.File alias = (KvNode.File) store.find("alias.html").orElseThrow();
            assertEquals("<p>page</p>", text(store, alias));
            assertEquals(new KvNode.Directory("mirror"), store.find("mirror").orElseThrow());
            assertEquals("<p>page</p>", text(store, (KvNode.File) store.find("mirror/page.html").orElseThrow()));
        }
    }

    @Test
    void aSymlinkLoopStopsTheBuild() throws IOException {
        Files.createSymbolicLink(htdocs.resolve("sub/again"), Path.of(".."));
        String message = failure();
        assertTrue(message.contains("sub/again") && message.contains("loop"), message);
    }

    @Test
    void aBrokenSymlinkStopsTheBuild() throws IOException {
        Files.createSymbolicLink(htdocs.resolve("gone.html"), Path.of("nowhere.html"));
        String message = failure();
        assertTrue(message.contains("gone.html") && message.contains("broken"), message);
    }

    @Test
    void anUnreadableFileStopsTheBuild() throws IOException {
        // The reader fails the way the file system does for a file we may not read; this runs
        // everywhere, including as root, which may read any file.
        CrunchException e = assertThrows(CrunchException.class, () -> CrunchBuilder.build(htdocs, output, Sites.MODIFIED,
                line -> {}, file -> {
                    if (file.key().equals("sub/page.html")) {
                        throw new CrunchException(file.shown() + ": cannot read file ("
                                + new AccessDeniedException(file.source().toString()) + ")");
                    }
                    return Files.readAllBytes(file.source());
                }));
        assertTrue(e.getMessage().contains("sub/page.html") && e.getMessage().contains("cannot read"), e.getMessage());
        assertFalse(Files.exists(output));
    }

    @Test
    void aFileWithoutReadPermissionStopsTheBuild() throws IOException {
        Path file = htdocs.resolve("sub/page.html");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(Files.isReadable(file), "running as root, who may read anything: "
                    + "anUnreadableFileStopsTheBuild covers this case");
            String message = failure();
            assertTrue(message.contains("sub/page.html") && message.contains("cannot read"), message);
        } finally {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void aNameThatIsNotUtf8StopsTheBuild() throws Exception {
        // Java cannot spell the byte 0xFF in a UTF-8 file name: let the shell create it.
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$1/bad-$(printf '\\377').html\"", "sh",
                htdocs.resolve("sub").toString()).inheritIO().start();
        assertTrue(touch.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, touch.exitValue());
        String message = failure();
        assertTrue(message.contains("not valid UTF-8") && message.contains("bad-%FF.html"), message);
        assertTrue(message.contains("sub/bad-"), message);
    }

    @Test
    void aFifoStopsTheBuildWithoutHanging() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", htdocs.resolve("sub/pipe.html").toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
        Assumptions.assumeTrue(mkfifo.exitValue() == 0, "mkfifo failed on this file system");
        String message = failure();
        assertTrue(message.contains("sub/pipe.html") && message.contains("not a regular file"), message);
    }

    @Test
    void aFileOverOneGibibyteStopsTheBuild() throws IOException {
        Path big = htdocs.resolve("sub/huge.bin");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength((1L << 30) + 1); // sparse: costs no disk
        }
        String message = failure();
        assertTrue(message.contains("sub/huge.bin") && message.contains("too large"), message);
    }

    @Test
    void aBackslashInANameStopsTheBuild() throws IOException {
        Files.writeString(htdocs.resolve("sub/a\\b.html"), "x");
        String message = failure();
        assertTrue(message.contains("a\\b.html") && message.contains("key"), message);
    }

    @Test
    void theStoreMayNotBeWrittenInsideHtdocs() {
        CrunchException e = assertThrows(CrunchException.class,
                () -> CrunchBuilder.build(htdocs, htdocs.resolve("site.crunch"), Sites.MODIFIED, line -> {}));
        assertTrue(e.getMessage().contains("inside htdocs"), e.getMessage());
    }

    @Test
    void htdocsMustBeADirectory() {
        CrunchException e = assertThrows(CrunchException.class,
                () -> CrunchBuilder.build(temp.resolve("none"), output, Sites.MODIFIED, line -> {}));
        assertTrue(e.getMessage().contains("none") && e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void lastModifiedMustBeRepresentable() {
        assertThrows(IllegalArgumentException.class,
                () -> CrunchBuilder.build(htdocs, output, Instant.parse("1969-12-31T23:59:59Z"), line -> {}));
    }

    @Test
    void aFailedBuildLeavesAnEarlierStoreAndNoTemporaryFiles() throws IOException {
        CrunchBuilder.build(htdocs, output, Sites.MODIFIED, line -> {});
        byte[] before = Files.readAllBytes(output);
        Files.createSymbolicLink(htdocs.resolve("gone.html"), Path.of("nowhere.html"));
        failure();
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(output)));
        try (var left = Files.list(output.getParent())) {
            assertEquals(1, left.count());
        }
    }

    private String failure() {
        return assertThrows(CrunchException.class, () -> CrunchBuilder.build(htdocs, output, Sites.MODIFIED, line -> {}))
                .getMessage();
    }

    private static String text(CrunchStore store, KvNode.File file) {
        return new String(CrunchRoundTripTest.bytes(store.read(file, Encoding.IDENTITY, 0, 1 << 20)),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
