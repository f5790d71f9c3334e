package dev.morgana.http;

import dev.morgana.types.Clock;
import dev.morgana.types.http.HttpFields;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits, timeouts and defaults of an {@link Http1Server}. Every limit bounds work driven by
 * a client; {@link #defaults()} gives values suited to a public static site.
 *
 * @param maxRequestLineBytes longest request line (method, target, version) → 414 beyond
 * @param maxHeaderBytes largest header section, field lines included → 431 beyond
 * @param maxHeaderCount most header fields in one request → 431 beyond
 * @param maxBodyBytes largest request body read and discarded → 413 beyond
 * @param idleTimeout how long a kept-alive connection may wait for the next request
 * @param headerTimeout how long a request head may take to arrive once its first byte came
 *     (and how long a body may take), against slowloris clients
 * @param sendTimeout how long one write of a response may block on a client that does not read
 * @param maxConnections most concurrent connections; excess ones get a 503 and are closed
 * @param accessLog whether to log each request in Combined Log Format to the console
 * @param defaultHeaders fields added to every response unless the handler set the same name
 * @param clock wall clock for Date and the access log, monotonic clock for timeouts
 */
public record HttpOptions(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
                          Duration idleTimeout, Duration headerTimeout, Duration sendTimeout,
                          int maxConnections, boolean accessLog, HttpFields defaultHeaders, Clock clock) {

    /** The security headers sent by default. */
    public static final HttpFields SECURITY_HEADERS = HttpFields.of(
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "strict-origin-when-cross-origin");

    public HttpOptions {
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxConnections", maxConnections);
        if (maxRequestLineBytes > 1 << 20 || maxHeaderBytes > 1 << 20) {
            throw new IllegalArgumentException("request line and header limits must stay below 1 MiB");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative");
        }
        positive("idleTimeout", idleTimeout);
        positive("headerTimeout", headerTimeout);
        positive("sendTimeout", sendTimeout);
        Objects.requireNonNull(defaultHeaders);
        Objects.requireNonNull(clock);
    }

    /**
     * 8 KiB request line, 16 KiB and 100 header fields, 1 MiB body, 60 s idle, 10 s head, 60 s
     * per write, 1024 connections, access log on, security headers.
     */
    public static HttpOptions defaults() {
        return new HttpOptions(8 * 1024, 16 * 1024, 100, 1024 * 1024,
                Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(60),
                1024, true, SECURITY_HEADERS, Clock.system());
    }

    public HttpOptions withAccessLog(boolean on) {
        return new HttpOptions(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, idleTimeout,
                headerTimeout, sendTimeout, maxConnections, on, defaultHeaders, clock);
    }

    public HttpOptions withClock(Clock c) {
        return new HttpOptions(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, idleTimeout,
                headerTimeout, sendTimeout, maxConnections, accessLog, defaultHeaders, c);
    }

    public HttpOptions withTimeouts(Duration idle, Duration header, Duration send) {
        return new HttpOptions(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, idle,
                header, send, maxConnections, accessLog, defaultHeaders, clock);
    }

    public HttpOptions withMaxConnections(int max) {
        return new HttpOptions(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, idleTimeout,
                headerTimeout, sendTimeout, max, accessLog, defaultHeaders, clock);
    }

    public HttpOptions withLimits(int requestLine, int headerBytes, int headerCount, long bodyBytes) {
        return new HttpOptions(requestLine, headerBytes, headerCount, bodyBytes, idleTimeout,
                headerTimeout, sendTimeout, maxConnections, accessLog, defaultHeaders, clock);
    }

    public HttpOptions withDefaultHeaders(HttpFields headers) {
        return new HttpOptions(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, idleTimeout,
                headerTimeout, sendTimeout, maxConnections, accessLog, headers, clock);
    }

    /**
     * Configuration keys of the server, each with what it accepts; {@link #withKey} applies one.
     * Sizes are bytes ("8192", "16k", "1m"), durations "500ms", "10s" or "2m".
     */
    public static final java.util.Map<String, String> KEYS = java.util.Map.of(
            "http-max-request-line", "size, default 8k (414 beyond)",
            "http-max-header-bytes", "size, default 16k (431 beyond)",
            "http-max-headers", "count, default 100 (431 beyond)",
            "http-max-body", "size, default 1m (413 beyond)",
            "http-idle-timeout", "duration, default 60s",
            "http-header-timeout", "duration, default 10s",
            "http-send-timeout", "duration, default 60s",
            "http-max-connections", "count, default 1024 (503 beyond)",
            "access-log", "true or false, default true");

    /**
     * These options with one key of {@link #KEYS} set from its text form.
     *
     * @throws IllegalArgumentException naming the key and what it accepts, if either is unknown or invalid
     */
    public HttpOptions withKey(String key, String value) {
        String accepted = KEYS.get(key);
        if (accepted == null) {
            throw new IllegalArgumentException("unknown HTTP key " + key + "; known keys: "
                    + new java.util.TreeSet<>(KEYS.keySet()));
        }
        try {
            return switch (key) {
                case "http-max-request-line" -> withLimits(intSize(value), maxHeaderBytes, maxHeaderCount, maxBodyBytes);
                case "http-max-header-bytes" -> withLimits(maxRequestLineBytes, intSize(value), maxHeaderCount, maxBodyBytes);
                case "http-max-headers" -> withLimits(maxRequestLineBytes, maxHeaderBytes, Integer.parseInt(value),
                        maxBodyBytes);
                case "http-max-body" -> withLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, size(value));
                case "http-idle-timeout" -> withTimeouts(duration(value), headerTimeout, sendTimeout);
                case "http-header-timeout" -> withTimeouts(idleTimeout, duration(value), sendTimeout);
                case "http-send-timeout" -> withTimeouts(idleTimeout, headerTimeout, duration(value));
                case "http-max-connections" -> withMaxConnections(Integer.parseInt(value));
                case "access-log" -> switch (value) {
                    case "true" -> withAccessLog(true);
                    case "false" -> withAccessLog(false);
                    default -> throw new IllegalArgumentException("not a boolean");
                };
                default -> throw new AssertionError(key);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for " + key + ": expected " + accepted, e);
        }
    }

    /**
     * {@link #defaults()} with keys of {@link #KEYS} applied in order: {@code fromKeys("access-log",
     * "false", "http-idle-timeout", "5s")}. Generated appliance code calls this with the keys the
     * appliance was configured with.
     *
     * @throws IllegalArgumentException for an odd number of arguments or a key {@link #withKey} refuses
     */
    public static HttpOptions fromKeys(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        HttpOptions options = defaults();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            options = options.withKey(keysAndValues[i], keysAndValues[i + 1]);
        }
        return options;
    }

    private static long size(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = v.endsWith("k") ? 1024 : v.endsWith("m") ? 1024 * 1024 : 1;
        long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
        if (n < 0 || n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("size out of range");
        }
        return n * unit;
    }

    private static int intSize(String value) {
        return Math.toIntExact(size(value));
    }

    private static Duration duration(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        throw new IllegalArgumentException("duration needs a unit: ms, s or m");
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
