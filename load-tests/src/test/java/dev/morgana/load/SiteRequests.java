package dev.morgana.load;

import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.List;

/**
 * Requests for site files, each checked against the build's manifest: status 200, the exact
 * Content-Length, and the SHA-256 of the body. No Accept-Encoding is sent, so the bodies are the
 * files' own bytes (the gzip variants are checked by the appliance's end-to-end tests).
 */
final class SiteRequests {

    private SiteRequests() {}

    /** The protocol every simulation uses: no cache, so every request reaches the appliance. */
    static HttpProtocolBuilder protocol(LoadParameters parameters) {
        return http.baseUrl(parameters.url().toString())
                .disableCaching()
                .acceptHeader("text/html,application/xhtml+xml,image/avif,image/webp,*/*;q=0.8")
                .acceptLanguageHeader("en")
                .userAgentHeader("Morgana load test (Gatling)");
    }

    /** GET of {@code file} named {@code name} in the report, with the three checks. */
    static HttpRequestActionBuilder get(String name, SiteFile file) {
        return http(name).get(file.urlPath()).check(checks(file));
    }

    /** The checks a response for {@code file} must pass. */
    static List<CheckBuilder> checks(SiteFile file) {
        return List.of(
                status().is(200),
                header("Content-Length").is(Long.toString(file.length())),
                bodyBytes().transform(SiteFile::sha256Of).is(file.sha256()).name("sha256 of " + file.path()));
    }

    /** The same checks with the expectations taken from the feeder's "length" and "sha256". */
    static List<CheckBuilder> fedChecks() {
        return List.of(
                status().is(200),
                header("Content-Length").isEL("#{length}"),
                bodyBytes().transform(SiteFile::sha256Of).isEL("#{sha256}").name("sha256"));
    }

    /** How the report names a page's subresource: by what a browser fetches it for. */
    static String kind(String path) {
        if (path.endsWith(".css")) {
            return "stylesheet";
        }
        if (path.endsWith(".ico")) {
            return "favicon";
        }
        return "image";
    }
}
