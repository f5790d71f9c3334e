package dev.morgana.htdocs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;

/** Checks the site Maven assembled in target/htdocs against its sources. */
@Timeout(60)
class AssembledSiteTest {

    /** The SHA-256 of {@link SampleFile#bytes()}: changing the generator changes the bulk tests' data. */
    static final String SAMPLE_SHA256 = "d5d0fe1abd91b5bfdd50f4eab6b2092296568db9b16f0c0a1a94d0a148b648bb";

    static final Path SOURCE = Path.of(System.getProperty("site.source", "src/site"));
    static final Path HTDOCS = Path.of(System.getProperty("site.htdocs", "target/htdocs"));

    /** href="..." and src="..." attribute values, quoted with " or '. */
    static final Pattern LINK = Pattern.compile("\\b(?:href|src)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')",
            Pattern.CASE_INSENSITIVE);
    /** url(...) in stylesheets. */
    static final Pattern CSS_URL = Pattern.compile("url\\(\\s*['\"]?([^'\")]+)['\"]?\\s*\\)");

    @Test
    void everySourceFileIsCopiedByteForByteAndNothingElseIsThere() throws IOException {
        TreeSet<String> expected = relativeFiles(SOURCE);
        assertTrue(expected.size() > 10, "the site has pages: " + expected);
        for (String file : expected) {
            assertArrayEquals(Files.readAllBytes(SOURCE.resolve(file)), Files.readAllBytes(HTDOCS.resolve(file)), file);
        }
        expected.add(SampleFile.PATH);
        assertEquals(expected, relativeFiles(HTDOCS));
    }

    @Test
    void theGeneratedSampleHasItsSizeAndStableHash() throws IOException {
        byte[] sample = Files.readAllBytes(HTDOCS.resolve(SampleFile.PATH));
        assertEquals(4 * 1024 * 1024, sample.length);
        assertEquals(SAMPLE_SHA256, sha256(sample));
        assertEquals(SAMPLE_SHA256, sha256(SampleFile.bytes()), "the generator reproduces its bytes");
    }

    @Test
    void everyLocalLinkResolvesToAFileOfTheSite() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (String page : relativeFiles(HTDOCS)) {
            Pattern pattern = page.endsWith(".html") ? LINK : page.endsWith(".css") ? CSS_URL : null;
            if (pattern == null) {
                continue;
            }
            Matcher links = pattern.matcher(Files.readString(HTDOCS.resolve(page)));
            while (links.find()) {
                String link = links.group(1) != null ? links.group(1) : links.group(2);
                checked++;
                if (!resolves(page, link)) {
                    broken.add(page + " -> " + link);
                }
            }
        }
        assertTrue(checked > 100, "links found: " + checked);
        assertEquals(List.of(), broken);
    }

    @Test
    void noPageLinksOutsideTheSite() throws IOException {
        for (String page : htmlPages()) {
            Matcher links = LINK.matcher(Files.readString(HTDOCS.resolve(page)));
            while (links.find()) {
                String link = links.group(1) != null ? links.group(1) : links.group(2);
                URI uri = URI.create(link);
                assertTrue(uri.getScheme() == null && uri.getAuthority() == null, page + " links outside: " + link);
            }
        }
    }

    @Test
    void everyPageLinksTheStylesheetLogoAndFavicon() throws IOException {
        for (String page : htmlPages()) {
            String html = Files.readString(HTDOCS.resolve(page));
            assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"), page);
            assertTrue(html.contains("<meta charset=\"utf-8\">"), page);
            assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/css/site.css\">"), page);
            assertTrue(html.contains("<link rel=\"icon\" href=\"/favicon.ico\""), page);
            assertTrue(html.contains("<img src=\"/images/logo.svg\""), page);
            assertTrue(html.matches("(?s).*<title>[^<]+</title>.*"), page);
        }
    }

    @Test
    void thePngIsARealImage() throws IOException {
        byte[] png = Files.readAllBytes(HTDOCS.resolve("images/layers.png"));
        assertTrue(png.length < 20 * 1024);
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "ImageIO decodes it");
        assertEquals(480, image.getWidth());
        assertEquals(270, image.getHeight());
    }

    @Test
    void theFaviconIsAnIcoWhoseImagesDecode() throws IOException {
        byte[] ico = Files.readAllBytes(HTDOCS.resolve("favicon.ico"));
        ByteBuffer header = ByteBuffer.wrap(ico).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, header.getShort(0), "reserved");
        assertEquals(1, header.getShort(2), "type 1: icon");
        int count = header.getShort(4);
        assertTrue(count >= 1 && count <= 4, "images: " + count);
        for (int i = 0; i < count; i++) {
            int entry = 6 + 16 * i;
            int size = Byte.toUnsignedInt(ico[entry]);
            int length = header.getInt(entry + 8);
            int offset = header.getInt(entry + 12);
            assertTrue(offset >= 6 + 16 * count && offset + length <= ico.length, "image " + i + " inside the file");
            var image = ImageIO.read(new ByteArrayInputStream(ico, offset, length));
            assertNotNull(image, "image " + i + " decodes");
            assertEquals(size, image.getWidth());
            assertEquals(size, image.getHeight());
        }
    }

    @Test
    void theLogoIsWellFormedSvg() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document svg = factory.newDocumentBuilder().parse(HTDOCS.resolve("images/logo.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());
        assertFalse(svg.getDocumentElement().getAttribute("viewBox").isEmpty());
    }

    @Test
    void pagesAreUtf8WithoutReplacementCharacters() throws IOException {
        for (String page : htmlPages()) {
            byte[] bytes = Files.readAllBytes(HTDOCS.resolve(page));
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            assertFalse(text.contains("\uFFFD"), page);
        }
    }

    /** Resolves a link the way a browser would from {@code page}, then maps it to a site file. */
    static boolean resolves(String page, String link) {
        if (link.startsWith("#") || link.startsWith("mailto:")) {
            return true;
        }
        URI base = URI.create("http://site.invalid/" + page);
        URI target = base.resolve(link);
        if (!"site.invalid".equals(target.getHost())) {
            return false;
        }
        String path = target.getPath().substring(1);
        if (path.isEmpty() || path.endsWith("/")) {
            path += "index.html";
        }
        return Files.isRegularFile(HTDOCS.resolve(path));
    }

    static List<String> htmlPages() throws IOException {
        return relativeFiles(HTDOCS).stream().filter(p -> p.endsWith(".html")).toList();
    }

    static TreeSet<String> relativeFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            TreeSet<String> files = new TreeSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> files.add(root.relativize(p).toString().replace('\\', '/')));
            return files;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
