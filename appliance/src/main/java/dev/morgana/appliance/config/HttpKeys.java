package dev.morgana.appliance.config;

import dev.morgana.http.HttpOptions;
import dev.morgana.site.SiteOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The keys of a web appliance's HTTP server (limits, timeouts, access log: {@link HttpOptions})
 * and of its static site (Cache-Control, Content-Security-Policy: {@link SiteOptions}). Each is
 * checked at configure time by the option's own parser, so a bad value fails {@code make
 * configure} with the option's message rather than the appliance at start.
 */
public final class HttpKeys {

    /** A configuration key and the name of the option it sets ({@link HttpOptions#KEYS}, {@link SiteOptions#KEYS}). */
    private record Option(Key<String> key, String option) {}

    private static final List<Option> SERVER = List.of(
            server("ACCESS_LOG", "access-log", "log each request in Combined Log Format (true or false)", "true"),
            server("HTTP_MAX_CONNECTIONS", "http-max-connections", "most concurrent connections; more get a 503", "1024"),
            server("HTTP_IDLE_TIMEOUT", "http-idle-timeout", "how long a kept-alive connection may idle (e.g. 60s)", "60s"),
            server("HTTP_HEADER_TIMEOUT", "http-header-timeout",
                    "how long a request head may take once started, against slowloris", "10s"),
            server("HTTP_SEND_TIMEOUT", "http-send-timeout", "how long one write may wait for a client that does not read",
                    "60s"),
            server("HTTP_MAX_REQUEST_LINE", "http-max-request-line", "longest request line (414 beyond), e.g. 8k", "8k"),
            server("HTTP_MAX_HEADER_BYTES", "http-max-header-bytes", "largest header section (431 beyond)", "16k"),
            server("HTTP_MAX_HEADERS", "http-max-headers", "most header fields in a request (431 beyond)", "100"),
            server("HTTP_MAX_BODY", "http-max-body", "largest request body read and discarded (413 beyond)", "1m"));

    private static final List<Option> SITE = List.of(
            site("CACHE_CONTROL", "cache-control", "Cache-Control sent with the site's files, or none",
                    "public, max-age=60"),
            site("CSP", "csp", "Content-Security-Policy sent with every response, or none", "none"));

    private HttpKeys() {}

    /** The server options whose key differs from its default, as option name and value, in a fixed order. */
    public static Map<String, String> serverOptions() {
        return changed(SERVER);
    }

    /** The site options whose key differs from its default, as option name and value, in a fixed order. */
    public static Map<String, String> siteOptions() {
        return changed(SITE);
    }

    private static Map<String, String> changed(List<Option> options) {
        Map<String, String> changed = new LinkedHashMap<>();
        for (Option o : options) {
            String value = o.key().get();
            if (!value.equals(o.key().defaultValue())) {
                changed.put(o.option(), value);
            }
        }
        return changed;
    }

    private static Option server(String name, String option, String doc, String defaultValue) {
        return option(name, option, doc, defaultValue, (k, v) -> HttpOptions.defaults().withKey(k, v));
    }

    private static Option site(String name, String option, String doc, String defaultValue) {
        return option(name, option, doc, defaultValue, (k, v) -> SiteOptions.defaults().withKey(k, v));
    }

    private static Option option(String name, String option, String doc, String defaultValue,
                                 BiConsumer<String, String> check) {
        return new Option(Key.of(name, doc, defaultValue, text -> {
            check.accept(option, text);
            return text;
        }), option);
    }
}
