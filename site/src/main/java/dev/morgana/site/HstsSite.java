package dev.morgana.site;

import dev.morgana.types.Console;
import dev.morgana.types.Job;
import dev.morgana.types.http.HttpServer;
import dev.morgana.types.kv.KvRo;

/**
 * The static site over TLS, with HTTP Strict Transport Security: every response carries
 * {@code Strict-Transport-Security: max-age=N} (RFC 6797). Apply it only to a server that speaks
 * HTTPS: browsers ignore the header over plain HTTP (RFC 6797 §8.1), and sending it there would
 * only mislead.
 */
public final class HstsSite implements Job {

    private final StaticSite site;

    /**
     * @param https a server that speaks TLS
     * @param maxAgeSeconds how long browsers remember to use only HTTPS; 0 makes them forget
     * @throws IllegalArgumentException if {@code maxAgeSeconds} is negative
     */
    public HstsSite(Console console, KvRo store, HttpServer https, int maxAgeSeconds) {
        if (maxAgeSeconds < 0) {
            throw new IllegalArgumentException("HSTS max-age must not be negative: " + maxAgeSeconds);
        }
        this.site = new StaticSite(console, store, https,
                SiteOptions.defaults().withStrictTransportSecurity("max-age=" + maxAgeSeconds));
    }

    /** Serves the store until the thread is interrupted or the server closed. */
    @Override
    public void run() throws Exception {
        site.run();
    }
}
