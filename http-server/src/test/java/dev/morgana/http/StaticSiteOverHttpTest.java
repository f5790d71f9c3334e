package dev.morgana.http;

import static dev.morgana.http.TestSupport.DATE;
import static dev.morgana.http.TestSupport.SECURITY;
import static dev.morgana.http.TestSupport.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.site.StaticSite;
import dev.morgana.types.Console;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The static site behind the server, checked byte for byte on one kept-alive connection. */
@Timeout(20)
@ParameterizedClass
@EnumSource(TestSupport.Transport.class)
class StaticSiteOverHttpTest {

    @Parameter
    TestSupport.Transport transport;

    private static final String INDEX = "<!doctype html><title>Morgana</title>";
    private static final String LOST = "<p>not here</p>";
    private static final String LM = "Last-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\n";
    private static final String CC = "Cache-Control: public, max-age=60\r\n";

    private final MiniStore store = new MiniStore().put("index.html", INDEX).put("docs/index.html", INDEX)
            .put("404.html", LOST).put("style.css", "body{}");
    private TestSupport.Running server;
    private dev.morgana.types.Flow client;

    @BeforeEach
    void start() throws Exception {
        StaticSite site = new StaticSite(Console.of("list", line -> {}), store, null);
        server = new TestSupport.Running(transport, site.handler(), TestSupport.options());
        client = server.connect();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private String ok200(String key, String type, String body) {
        return "HTTP/1.1 200 OK\r\n" + DATE + "ETag: " + store.etag(key) + "\r\n" + LM + CC
                + "Content-Type: " + type + "\r\nAccept-Ranges: bytes\r\n" + SECURITY
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void servesFilesRedirectsNotModifiedAndTheCustom404OnOneConnection() throws Exception {
        String index = ok200("index.html", "text/html; charset=utf-8", INDEX);
        assertEquals(index, exchange(client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", index));

        String css = ok200("style.css", "text/css; charset=utf-8", "body{}");
        assertEquals(css, exchange(client, "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n", css));

        String head = css.substring(0, css.length() - "body{}".length());
        assertEquals(head, exchange(client, "HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n", head));

        String moved = "HTTP/1.1 301 Moved Permanently\r\n" + DATE + "Location: /docs/?v=1\r\n" + SECURITY
                + "Content-Length: 0\r\n\r\n";
        assertEquals(moved, exchange(client, "GET /docs?v=1 HTTP/1.1\r\nHost: x\r\n\r\n", moved));

        String notModified = "HTTP/1.1 304 Not Modified\r\n" + DATE + "ETag: " + store.etag("docs/index.html")
                + "\r\n" + LM + CC + SECURITY + "\r\n";
        assertEquals(notModified, exchange(client, "GET /docs/ HTTP/1.1\r\nHost: x\r\nIf-None-Match: "
                + store.etag("docs/index.html") + "\r\n\r\n", notModified));

        String lost = "HTTP/1.1 404 Not Found\r\n" + DATE + "Content-Type: text/html; charset=utf-8\r\n" + CC
                + SECURITY + "Content-Length: " + LOST.length() + "\r\n\r\n" + LOST;
        assertEquals(lost, exchange(client, "GET /missing.html HTTP/1.1\r\nHost: x\r\n\r\n", lost));

        String range = "HTTP/1.1 206 Partial Content\r\n" + DATE + "ETag: " + store.etag("style.css") + "\r\n" + LM
                + CC + "Content-Type: text/css; charset=utf-8\r\nAccept-Ranges: bytes\r\nContent-Range: bytes 0-3/6\r\n"
                + SECURITY + "Content-Length: 4\r\n\r\nbody";
        assertEquals(range, exchange(client, "GET /style.css HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n", range));

        String traversal = "400 request target path is malformed or unsafe\n";
        String rejected = "HTTP/1.1 400 Bad Request\r\n" + DATE + "Content-Type: text/plain; charset=utf-8\r\n" + SECURITY
                + "Content-Length: " + traversal.length() + "\r\nConnection: close\r\n\r\n" + traversal;
        assertEquals(rejected, exchange(client, "GET /docs/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", rejected));
    }
}
