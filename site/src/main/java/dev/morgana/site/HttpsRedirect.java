package dev.morgana.site;

import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The handler of a plain-HTTP server when the site itself is served over TLS: every request is
 * redirected (301) to the same path and query on https, at the request's host and the given
 * port. Requests without a Host (HTTP/1.0) get a 400, since there is no safe place to send them.
 */
public final class HttpsRedirect implements HttpHandler {

    private final int httpsPort;

    /** @param httpsPort the port the TLS server listens on (443 is left out of the Location) */
    public HttpsRedirect(int httpsPort) {
        if (httpsPort < 1 || httpsPort > 65535) {
            throw new IllegalArgumentException("not a port: " + httpsPort);
        }
        this.httpsPort = httpsPort;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String host = request.headers().first("Host").map(HttpsRedirect::withoutPort).orElse("");
        if (host.isEmpty()) {
            return new HttpResponse(400, HttpFields.of("Content-Type", "text/plain; charset=utf-8"),
                    new HttpResponse.Bytes(ByteBuffer.wrap("400 Host required for the redirect to https\n"
                            .getBytes(StandardCharsets.US_ASCII))));
        }
        String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort)
                + StaticSite.encodePath(request.path()) + (request.query() == null ? "" : "?" + request.query());
        return new HttpResponse(301, HttpFields.of("Location", location), new HttpResponse.Empty());
    }

    /** "example.org:80" → "example.org"; "[::1]:80" → "[::1]". */
    private static String withoutPort(String host) {
        int bracket = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        return colon > bracket ? host.substring(0, colon) : host;
    }
}
