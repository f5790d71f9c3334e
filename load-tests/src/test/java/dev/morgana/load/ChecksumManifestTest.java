package dev.morgana.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ChecksumManifestTest {

    @TempDir
    Path site;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private void write(String path, byte[] bytes) throws IOException {
        Path file = site.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Test
    void scanRecordsEveryFileWithItsLengthAndDigestAndThePagesSubresources() throws Exception {
        byte[] page = """
                <link rel="stylesheet" href="/css/a.css"><link rel="icon" href="/favicon.ico">
                <img src="../img/x.png"><img src="/missing.png">""".getBytes(StandardCharsets.UTF_8);
        byte[] css = "body{}".getBytes(StandardCharsets.UTF_8);
        byte[] binary = {0, (byte) 0xFF, 7};
        write("docs/index.html", page);
        write("css/a.css", css);
        write("favicon.ico", binary);
        write("img/x.png", binary);

        List<SiteFile> files = ChecksumManifest.scan(site);

        assertEquals(List.of("/css/a.css", "/docs/index.html", "/favicon.ico", "/img/x.png"),
                files.stream().map(SiteFile::path).toList());
        SiteFile index = files.get(1);
        assertEquals(page.length, index.length());
        assertEquals(sha256(page), index.sha256());
        assertEquals(List.of("/css/a.css", "/favicon.ico", "/img/x.png"), index.subresources(),
                "subresources that are not in the site are left out");
        assertEquals(sha256(css), files.getFirst().sha256());
        assertEquals(List.of(), files.get(2).subresources());
    }

    @Test
    void writeThenReadGivesTheSameFiles() throws Exception {
        write("index.html", "<img src=\"a.png\">".getBytes(StandardCharsets.UTF_8));
        write("a.png", new byte[1000]);
        List<SiteFile> files = ChecksumManifest.scan(site);
        StringWriter out = new StringWriter();
        ChecksumManifest.write(files, out);

        assertEquals(files, ChecksumManifest.read(new StringReader(out.toString())));
    }

    @Test
    void malformedLinesAreRefusedWithTheirNumber() {
        String good = "/a\t3\t" + "0".repeat(64) + "\t\n";
        IOException fields = assertThrows(IOException.class,
                () -> ChecksumManifest.read(new StringReader("# c\n" + good + "/b\t3\n")));
        assertTrue(fields.getMessage().contains("line 3"), fields.getMessage());
        assertThrows(IOException.class, () -> ChecksumManifest.read(new StringReader("/b\tx\t" + "0".repeat(64) + "\t\n")));
        assertThrows(IOException.class, () -> ChecksumManifest.read(new StringReader("/b\t3\tnot-hex\t\n")));
        assertThrows(IOException.class, () -> ChecksumManifest.read(new StringReader("b\t3\t" + "0".repeat(64) + "\t\n")));
        assertThrows(IOException.class, () -> ChecksumManifest.read(new StringReader("# only a comment\n")));
    }

    @Test
    void aMissingSiteIsReportedWithItsPath() {
        IOException e = assertThrows(IOException.class, () -> ChecksumManifest.scan(site.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void theBuildPutTheExampleSitesManifestOnTheClassPath() throws Exception {
        List<SiteFile> files = ChecksumManifest.fromClassPath();
        SiteFile big = files.stream().filter(f -> f.path().equals("/downloads/sample-4MiB.bin")).findFirst().orElseThrow();
        assertEquals(4L << 20, big.length());
        Path htdocs = Path.of("../htdocs-example/target/htdocs");
        assertEquals(sha256(Files.readAllBytes(htdocs.resolve("index.html"))),
                ChecksumManifest.byPath(files).get("/index.html").sha256());
    }
}
