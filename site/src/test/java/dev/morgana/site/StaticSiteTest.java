package dev.morgana.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.morgana.types.Console;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import dev.morgana.types.http.HttpServer;
import dev.morgana.types.kv.ETags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StaticSiteTest {

    private static final String INDEX = "<h1>Morgana</h1>\n".repeat(20);
    private static final String KEYS = "<p>keys</p>";
    private static final String NOT_FOUND = "<h1>lost</h1>";
    private static final String LM = "Thu, 01 Jan 2026 00:00:00 GMT";
    private static final String CC = "public, max-age=60";

    private final MemoryStore store = new MemoryStore()
            .put("index.html", INDEX)
            .put("docs/keys.html", KEYS)
            .put("docs/a b.txt", "spaced")
            .put("img/logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3, 4, 5})
            .put("empty/sub/x.css", "a{}");
    private final StaticSite site = new StaticSite(QUIET, store, new NoServer());

    /** A rendered response: status, fields as "Name: value" lines, and body bytes. */
    record Rendered(int status, List<String> fields, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return status + " " + fields + " " + bodyText();
        }
    }

    private Rendered get(String path, String... headers) throws IOException {
        return call("GET", path, null, headers);
    }

    private Rendered call(String method, String path, String query, String... headers) throws IOException {
        HttpRequest request = new HttpRequest(method, path + (query == null ? "" : "?" + query), path, query, 1,
                HttpFields.of(headers), "192.0.2.1:1234");
        HttpResponse r = site.handle(request);
        List<String> fields = new ArrayList<>();
        for (HttpFields.Field f : r.headers().fields()) {
            fields.add(f.name() + ": " + f.value());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        switch (r.body()) {
            case HttpResponse.Empty e -> { }
            case HttpResponse.Bytes(ByteBuffer data) -> {
                ByteBuffer d = data.duplicate();
                byte[] b = new byte[d.remaining()];
                d.get(b);
                body.write(b);
            }
            case HttpResponse.Streamed s -> s.writer().writeTo(chunk -> {
                byte[] b = new byte[chunk.remaining()];
                chunk.get(b);
                body.write(b);
            });
        }
        assertEquals(r.body().length(), body.size(), "announced and produced lengths agree");
        return new Rendered(r.status(), fields, body.toByteArray());
    }

    private String etag(String content) {
        return ETags.of(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rootServesIndexWithValidators() throws IOException {
        Rendered r = get("/");
        assertEquals(200, r.status());
        assertEquals(List.of("Vary: Accept-Encoding", "ETag: " + etag(INDEX), "Last-Modified: " + LM,
                "Cache-Control: " + CC, "Content-Type: text/html; charset=utf-8", "Accept-Ranges: bytes"), r.fields());
        assertEquals(INDEX, r.bodyText());
    }

    @Test
    void filesWithoutGzipVariantHaveNoVary() throws IOException {
        Rendered r = get("/img/logo.png", "Accept-Encoding", "gzip");
        assertEquals(200, r.status());
        assertEquals(List.of("ETag: " + ETags.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3, 4, 5}),
                "Last-Modified: " + LM, "Cache-Control: " + CC, "Content-Type: image/png", "Accept-Ranges: bytes"),
                r.fields());
        assertEquals(10, r.body().length);
    }

    @Test
    void directoryWithoutSlashRedirectsKeepingTheQuery() throws IOException {
        Rendered r = call("GET", "/docs", "a=1&b");
        assertEquals(new Rendered(301, List.of("Location: /docs/?a=1&b"), new byte[0]).toString(), r.toString());
        store.put("my docs/caf\u00e9/a.html", "a");
        assertEquals(List.of("Location: /my%20docs/caf%C3%A9/"), call("GET", "/my docs/caf\u00e9", null).fields());
    }

    @Test
    void directoryWithSlashServesItsIndexOr404() throws IOException {
        store.put("docs/index.html", KEYS);
        assertEquals(KEYS, get("/docs/").bodyText());
        assertEquals(404, get("/empty/").status());
        assertEquals(404, get("/img/").status());
    }

    @Test
    void fileWithTrailingSlashIsNotFound() throws IOException {
        assertEquals(404, get("/docs/keys.html/").status());
    }

    @Test
    void decodedNamesAreLookedUpAsKeys() throws IOException {
        assertEquals("spaced", get("/docs/a b.txt").bodyText());
    }

    @Test
    void missingFilesGetAPlainNotFoundOrTheSitesOwnPage() throws IOException {
        Rendered plain = get("/nope");
        assertEquals(404, plain.status());
        assertEquals(List.of("Content-Type: text/plain; charset=utf-8"), plain.fields());
        assertEquals("404 Not Found\n", plain.bodyText());
        store.put("404.html", NOT_FOUND);
        Rendered custom = get("/nope");
        assertEquals(404, custom.status());
        assertEquals(List.of("Content-Type: text/html; charset=utf-8", "Cache-Control: " + CC), custom.fields());
        assertEquals(NOT_FOUND, custom.bodyText());
    }

    @Test
    void invalidKeysAreNotFound() throws IOException {
        for (String p : List.of("//", "/docs//keys.html", "/a\\b", "/x\u0000")) {
            assertEquals(404, get(p).status(), p);
        }
    }

    @Test
    void ifNoneMatchGives304WithValidatorsAndWeakComparison() throws IOException {
        String tag = etag(KEYS);
        List<String> validators = List.of("ETag: " + tag, "Last-Modified: " + LM, "Cache-Control: " + CC);
        for (String inm : List.of(tag, "W/" + tag, "\"other\", " + tag, "*")) {
            Rendered r = get("/docs/keys.html", "If-None-Match", inm);
            assertEquals(new Rendered(304, validators, new byte[0]).toString(), r.toString(), inm);
        }
        assertEquals(200, get("/docs/keys.html", "If-None-Match", "\"other\"").status());
        assertEquals(200, get("/docs/keys.html", "If-None-Match", "garbage").status());
    }

    @Test
    void ifModifiedSinceGives304UnlessIfNoneMatchIsThere() throws IOException {
        assertEquals(304, get("/docs/keys.html", "If-Modified-Since", LM).status());
        assertEquals(304, get("/docs/keys.html", "If-Modified-Since", "Fri, 02 Jan 2026 00:00:00 GMT").status());
        assertEquals(200, get("/docs/keys.html", "If-Modified-Since", "Wed, 31 Dec 2025 23:59:59 GMT").status());
        assertEquals(200, get("/docs/keys.html", "If-Modified-Since", "yesterday").status());
        assertEquals(200, get("/docs/keys.html", "If-None-Match", "\"x\"", "If-Modified-Since", LM).status());
        assertEquals(304, get("/docs/keys.html", "If-Modified-Since", "Thursday, 01-Jan-26 00:00:00 GMT").status());
        assertEquals(304, get("/docs/keys.html", "If-Modified-Since", "Thu Jan  1 00:00:00 2026").status());
    }

    @Test
    void failedIfMatchOrIfUnmodifiedSinceGives412() throws IOException {
        assertEquals(412, get("/docs/keys.html", "If-Match", "\"other\"").status());
        assertEquals(412, get("/docs/keys.html", "If-Match", "W/" + etag(KEYS)).status());
        assertEquals(200, get("/docs/keys.html", "If-Match", etag(KEYS)).status());
        assertEquals(200, get("/docs/keys.html", "If-Match", "*").status());
        assertEquals(412, get("/docs/keys.html", "If-Unmodified-Since", "Wed, 31 Dec 2025 23:59:59 GMT").status());
        assertEquals(200, get("/docs/keys.html", "If-Unmodified-Since", LM).status());
    }

    @Test
    void gzipVariantIsServedWhenAcceptedWithItsOwnTag() throws IOException {
        Rendered r = get("/", "Accept-Encoding", "br, gzip;q=0.8, identity;q=0.5");
        assertEquals(200, r.status());
        assertEquals(List.of("Vary: Accept-Encoding", "ETag: " + StaticSite.gzipTag(etag(INDEX)), "Last-Modified: " + LM,
                "Cache-Control: " + CC, "Content-Type: text/html; charset=utf-8", "Accept-Ranges: bytes",
                "Content-Encoding: gzip"), r.fields());
        assertArrayEquals(store.gzipOf("index.html"), r.body());
        assertEquals(304, get("/", "Accept-Encoding", "gzip", "If-None-Match", StaticSite.gzipTag(etag(INDEX))).status());
        assertEquals(200, get("/", "If-None-Match", StaticSite.gzipTag(etag(INDEX))).status());
    }

    @Test
    void qValuesDecideTheVariant() throws IOException {
        assertEquals(INDEX, get("/", "Accept-Encoding", "gzip;q=0").bodyText());
        assertEquals(INDEX, get("/", "Accept-Encoding", "gzip;q=0.4, identity").bodyText());
        assertEquals(INDEX, get("/", "Accept-Encoding", "").bodyText());
        assertArrayEquals(store.gzipOf("index.html"), get("/", "Accept-Encoding", "*").body());
        assertArrayEquals(store.gzipOf("index.html"), get("/", "Accept-Encoding", "identity;q=0, gzip;q=0.1").body());
        assertEquals(406, get("/img/logo.png", "Accept-Encoding", "identity;q=0").status());
        assertEquals(406, get("/", "Accept-Encoding", "*;q=0").status());
        assertEquals(200, get("/", "Accept-Encoding", "*;q=0, identity").status());
    }

    @Test
    void singleRangeGives206WithContentRange() throws IOException {
        Rendered r = get("/docs/keys.html", "Range", "bytes=3-6", "Accept-Encoding", "gzip");
        assertEquals(206, r.status());
        assertEquals("Content-Range: bytes 3-6/11", r.fields().getLast());
        assertEquals("keys", r.bodyText());
        assertEquals("s</p>", get("/docs/keys.html", "Range", "bytes=-5").bodyText());
        assertEquals("</p>", get("/docs/keys.html", "Range", "bytes=7-").bodyText());
        assertEquals("</p>", get("/docs/keys.html", "Range", "bytes=7-100").bodyText());
    }

    @Test
    void multipleRangesGiveMultipartByteranges() throws IOException {
        Rendered r = get("/docs/keys.html", "Range", "bytes=0-2, 7-");
        assertEquals(206, r.status());
        String boundary = "morgana-" + etag(KEYS).replaceAll("[^A-Za-z0-9]", "");
        assertEquals("Content-Type: multipart/byteranges; boundary=" + boundary, r.fields().get(3));
        assertEquals("\r\n--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Range: bytes 0-2/11\r\n\r\n<p>"
                + "\r\n--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Range: bytes 7-10/11\r\n\r\n</p>"
                + "\r\n--" + boundary + "--\r\n", r.bodyText());
    }

    @Test
    void unsatisfiableRangesGive416AndBadOnesAreIgnored() throws IOException {
        Rendered r = get("/docs/keys.html", "Range", "bytes=11-");
        assertEquals(416, r.status());
        assertEquals("Content-Range: bytes */11", r.fields().getFirst());
        assertEquals(416, get("/docs/keys.html", "Range", "bytes=-0").status());
        for (String bad : List.of("bytes=5-2", "items=0-1", "bytes=a-b", "bytes=1", "bytes=" + "0-0,".repeat(16) + "0-0")) {
            assertEquals(200, get("/docs/keys.html", "Range", bad).status(), bad);
        }
        assertEquals(200, call("HEAD", "/docs/keys.html", null, "Range", "bytes=0-1").status());
    }

    @Test
    void ifRangeMustMatchStronglyForTheRangeToApply() throws IOException {
        assertEquals(206, get("/docs/keys.html", "Range", "bytes=0-0", "If-Range", etag(KEYS)).status());
        assertEquals(206, get("/docs/keys.html", "Range", "bytes=0-0", "If-Range", LM).status());
        assertEquals(200, get("/docs/keys.html", "Range", "bytes=0-0", "If-Range", "\"old\"").status());
        assertEquals(200, get("/docs/keys.html", "Range", "bytes=0-0", "If-Range", "W/" + etag(KEYS)).status());
        assertEquals(200, get("/docs/keys.html", "Range", "bytes=0-0", "If-Range", "Fri, 02 Jan 2026 00:00:00 GMT").status());
    }

    @Test
    void largeFilesAreStreamedInPieces() throws IOException {
        byte[] big = new byte[StaticSite.CHUNK * 2 + 123];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >> 9));
        }
        store.put("big.bin", big);
        HttpResponse r = site.handle(new HttpRequest("GET", "/big.bin", "/big.bin", null, 1, HttpFields.EMPTY, "x:1"));
        assertEquals(HttpResponse.Streamed.class, r.body().getClass());
        assertArrayEquals(big, get("/big.bin").body());
        byte[] tail = java.util.Arrays.copyOfRange(big, big.length - StaticSite.CHUNK - 7, big.length);
        assertArrayEquals(tail, get("/big.bin", "Range", "bytes=-" + tail.length).body());
    }

    @Test
    void contentSecurityPolicyIsSentWhenConfigured() throws IOException {
        StaticSite strict = new StaticSite(QUIET, store, new NoServer(),
                new SiteOptions(null, "default-src 'self'", "max-age=63072000"));
        HttpResponse r = strict.handle(new HttpRequest("GET", "/docs/keys.html", "/docs/keys.html", null, 1,
                HttpFields.EMPTY, "x:1"));
        assertEquals(java.util.Optional.of("default-src 'self'"), r.headers().first("Content-Security-Policy"));
        assertEquals(java.util.Optional.empty(), r.headers().first("Cache-Control"));
        assertEquals(java.util.Optional.of("max-age=63072000"), r.headers().first("Strict-Transport-Security"));
        HttpResponse missing = strict.handle(new HttpRequest("GET", "/x", "/x", null, 1, HttpFields.EMPTY, "x:1"));
        assertEquals(java.util.Optional.of("max-age=63072000"), missing.headers().first("Strict-Transport-Security"));
    }

    @Test
    void siteKeysSetOrTurnOffHeaders() {
        SiteOptions o = SiteOptions.defaults().withKey("cache-control", "none").withKey("csp", "default-src 'self'")
                .withKey("hsts", "max-age=60");
        assertEquals(new SiteOptions(null, "default-src 'self'", "max-age=60"), o);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SiteOptions.defaults().withKey("csp", "a\r\nX: y"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SiteOptions.defaults().withKey("etag", "x"));
    }

    @Test
    void fromKeysAppliesPairsOverTheDefaults() {
        assertEquals(new SiteOptions("public, max-age=60", "default-src 'self'", null),
                SiteOptions.fromKeys("csp", "default-src 'self'"));
        assertEquals(SiteOptions.defaults(), SiteOptions.fromKeys());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SiteOptions.fromKeys("csp"));
    }

    @Test
    void httpsRedirectKeepsHostPathAndQuery() {
        HttpsRedirect redirect = new HttpsRedirect(8443);
        HttpResponse r = redirect.handle(new HttpRequest("GET", "/a%20b?x=1", "/a b", "x=1", 1,
                HttpFields.of("Host", "example.org:8080"), "x:1"));
        assertEquals(301, r.status());
        assertEquals(HttpFields.of("Location", "https://example.org:8443/a%20b?x=1"), r.headers());
        HttpResponse standard = new HttpsRedirect(443).handle(new HttpRequest("HEAD", "/", "/", null, 1,
                HttpFields.of("Host", "[::1]:80"), "x:1"));
        assertEquals(HttpFields.of("Location", "https://[::1]/"), standard.headers());
        assertEquals(400, redirect.handle(new HttpRequest("GET", "/", "/", null, 0, HttpFields.EMPTY, "x:1")).status());
    }

    @Test
    void runLogsAndServesThroughTheServer() throws Exception {
        List<String> lines = new ArrayList<>();
        NoServer server = new NoServer();
        new StaticSite(Console.of("test", lines::add), store, server).run();
        assertEquals(List.of("site: serving memory with none"), lines);
        assertEquals(200, server.handler.handle(new HttpRequest("GET", "/", "/", null, 1, HttpFields.EMPTY, "x:1")).status());
    }

    private HttpResponse raw(String method, String path, String... headers) throws IOException {
        return site.handle(new HttpRequest(method, path, path, null, 1, HttpFields.of(headers), "x:1"));
    }

    @Test
    void repeatedRequestsShareOnePreparedResponsePerVariant() throws IOException {
        HttpResponse first = raw("GET", "/docs/keys.html");
        assertSame(first, raw("GET", "/docs/keys.html"));
        assertSame(first, raw("HEAD", "/docs/keys.html"));
        assertEquals(KEYS, get("/docs/keys.html").bodyText());
        HttpResponse gzip = raw("GET", "/", "Accept-Encoding", "gzip");
        assertSame(gzip, raw("GET", "/", "Accept-Encoding", "gzip"));
        assertNotSame(gzip, raw("GET", "/"));
        assertEquals(INDEX, get("/").bodyText());
        assertEquals(List.of("Content-Encoding: gzip"),
                get("/", "Accept-Encoding", "gzip").fields().stream().filter(f -> f.startsWith("Content-Enc")).toList());
    }

    @Test
    void rememberedPathsKeepTheirMeaning() throws IOException {
        for (int round = 0; round < 2; round++) {
            assertEquals(INDEX, get("/").bodyText());
            assertEquals(INDEX, get("/index.html").bodyText());
            assertEquals(KEYS, get("/docs/keys.html").bodyText());
            assertEquals(404, get("/docs/keys.html/").status());
            assertEquals(301, get("/docs").status());
            assertEquals(404, get("/docs/").status());
            assertEquals(404, get("/nothing.html").status());
            assertEquals("a{}", get("/empty/sub/x.css").bodyText());
        }
    }

    @Test
    void bodiesAboveTheKeepLimitAreReadPerRequest() throws IOException {
        byte[] large = new byte[StaticSite.KEEP_MAX + 1];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        byte[] small = java.util.Arrays.copyOf(large, StaticSite.KEEP_MAX);
        StaticSite s = new StaticSite(QUIET, new MemoryStore().put("large.bin", large).put("small.bin", small),
                new NoServer());
        HttpRequest largeGet = new HttpRequest("GET", "/large.bin", "/large.bin", null, 1, HttpFields.EMPTY, "x:1");
        HttpResponse a = s.handle(largeGet);
        HttpResponse b = s.handle(largeGet);
        assertNotSame(a.body(), b.body());
        for (HttpResponse r : List.of(a, b)) {
            ByteBuffer data = ((HttpResponse.Bytes) r.body()).data().duplicate();
            byte[] got = new byte[data.remaining()];
            data.get(got);
            assertArrayEquals(large, got);
        }
        HttpRequest smallGet = new HttpRequest("GET", "/small.bin", "/small.bin", null, 1, HttpFields.EMPTY, "x:1");
        assertSame(s.handle(smallGet), s.handle(smallGet));
    }

    /** A console that drops its lines. */
    static final Console QUIET = Console.of("quiet", line -> {});

    static final class NoServer implements HttpServer {
        dev.morgana.types.http.HttpHandler handler;

        @Override
        public void serve(dev.morgana.types.http.HttpHandler h) {
            handler = h;
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public void close() {}
    }

    private HttpRequest request(String path, String... headers) {
        return new HttpRequest("GET", path, path, null, 1, HttpFields.of(headers), "192.0.2.1:1234");
    }

    @Test
    void handleNowAnswersOnlyWhatIsKeptAndThenExactlyAsHandle() throws Exception {
        var handler = site.handler();
        assertEquals(null, handler.handleNow(request("/docs/keys.html")), "a path never served needs the store");
        HttpResponse first = handler.handle(request("/docs/keys.html"));
        HttpResponse now = handler.handleNow(request("/docs/keys.html"));
        assertSame(first, now, "the kept response, shared");
        String etag = first.headers().first("ETag").orElseThrow();
        HttpResponse notModified = handler.handleNow(request("/docs/keys.html", "If-None-Match", etag));
        assertEquals(304, notModified.status());
        assertEquals(handler.handle(request("/docs/keys.html", "If-None-Match", etag)).headers(), notModified.headers());
        assertEquals(null, handler.handleNow(request("/docs/keys.html", "Range", "bytes=0-1")),
                "a range is read from the store");
        assertEquals(null, handler.handleNow(request("/missing")), "the 404 page is read from the store");
    }
}
