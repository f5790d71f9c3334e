package dev.morgana.site;

import dev.morgana.types.Console;
import dev.morgana.types.Job;
import dev.morgana.types.http.HttpServer;

/**
 * The plain-HTTP side of a site served over TLS: answers every request on {@code http} with a
 * 301 to the same path and query on https (see {@link HttpsRedirect}). A config applies it in
 * place of the {@link StaticSite} on the plain port when HTTPS_REDIRECT=on.
 */
public final class HttpsRedirectSite implements Job {

    private final Console console;
    private final HttpServer http;
    private final HttpsRedirect redirect;

    /**
     * @param http the plain-HTTP server
     * @param httpsPort the port the HTTPS server listens on (left out of the Location when 443)
     * @throws IllegalArgumentException if {@code httpsPort} is not a port
     */
    public HttpsRedirectSite(Console console, HttpServer http, int httpsPort) {
        this.console = console;
        this.http = http;
        this.redirect = new HttpsRedirect(httpsPort);
    }

    /** Redirects until the thread is interrupted or the server closed. */
    @Override
    public void run() throws Exception {
        console.log("site: redirecting " + http.name() + " to https");
        http.serve(redirect);
    }
}
