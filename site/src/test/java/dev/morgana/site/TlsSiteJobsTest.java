package dev.morgana.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The jobs a TLS=on config applies: the redirect on the plain port, the site with HSTS on the TLS port. */
@Timeout(10)
class TlsSiteJobsTest {

    private static HttpRequest get(String target, String path, String query, String... headers) {
        return new HttpRequest("GET", target, path, query, 1, HttpFields.of(headers), "192.0.2.1:1234");
    }

    @Test
    void redirectSiteAnswersEveryRequestWithA301ToHttps() throws Exception {
        var server = new StaticSiteTest.NoServer();
        new HttpsRedirectSite(StaticSiteTest.QUIET, server, 8443).run();
        HttpResponse r = server.handler.handle(get("/docs/a?x=1", "/docs/a", "x=1", "Host", "example.org:8080"));
        assertEquals(301, r.status());
        assertEquals(Optional.of("https://example.org:8443/docs/a?x=1"), r.headers().first("Location"));
        assertEquals(Optional.empty(), r.headers().first("Strict-Transport-Security"), "no HSTS over plain HTTP");
    }

    @Test
    void siteWithHstsSendsMaxAgeOnEveryResponse() throws Exception {
        var server = new StaticSiteTest.NoServer();
        var store = new MemoryStore().put("index.html", "<p>hi</p>");
        new StaticSite(StaticSiteTest.QUIET, store, server, SiteOptions.fromKeys("hsts", "max-age=600")).run();
        HttpResponse found = server.handler.handle(get("/", "/", null));
        HttpResponse missing = server.handler.handle(get("/nope", "/nope", null));
        assertEquals(200, found.status());
        assertEquals(Optional.of("max-age=600"), found.headers().first("Strict-Transport-Security"));
        assertEquals(404, missing.status());
        assertEquals(Optional.of("max-age=600"), missing.headers().first("Strict-Transport-Security"));
    }
}
