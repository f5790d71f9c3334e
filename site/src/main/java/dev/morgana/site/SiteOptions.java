package dev.morgana.site;

/**
 * Choices of the static site that are not in the store.
 *
 * @param cacheControl Cache-Control sent with files, 304s and the 404 page, or null for none
 * @param contentSecurityPolicy Content-Security-Policy sent with every response, or null for none
 * @param strictTransportSecurity Strict-Transport-Security sent with every response, or null for
 *     none; set it only on a site served over TLS (RFC 6797 §7.2)
 */
public record SiteOptions(String cacheControl, String contentSecurityPolicy, String strictTransportSecurity) {

    /** One minute of caching, then revalidation with the ETag (cheap 304s); no CSP, no HSTS. */
    public static SiteOptions defaults() {
        return new SiteOptions("public, max-age=60", null, null);
    }

    /** Configuration keys of the site, each with what it accepts; {@link #withKey} applies one. */
    public static final java.util.Map<String, String> KEYS = java.util.Map.of(
            "cache-control", "a Cache-Control value, or 'none'; default 'public, max-age=60'",
            "csp", "a Content-Security-Policy value, or 'none' (the default)",
            "hsts", "a Strict-Transport-Security value such as 'max-age=63072000', or 'none' (the default)");

    /**
     * These options with one key of {@link #KEYS} set; "none" turns a header off.
     *
     * @throws IllegalArgumentException naming the key, if it is unknown or the value has control characters
     */
    public SiteOptions withKey(String key, String value) {
        if (!KEYS.containsKey(key)) {
            throw new IllegalArgumentException("unknown site key " + key + "; known keys: "
                    + new java.util.TreeSet<>(KEYS.keySet()));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("bad value for " + key + ": only printable ASCII is allowed");
            }
        }
        String v = value.strip().equals("none") ? null : value.strip();
        return switch (key) {
            case "cache-control" -> withCacheControl(v);
            case "csp" -> withContentSecurityPolicy(v);
            case "hsts" -> withStrictTransportSecurity(v);
            default -> throw new AssertionError(key);
        };
    }

    /**
     * {@link #defaults()} with keys of {@link #KEYS} applied in order, as generated appliance code
     * passes them: {@code fromKeys("csp", "default-src 'self'")}.
     *
     * @throws IllegalArgumentException for an odd number of arguments or a key {@link #withKey} refuses
     */
    public static SiteOptions fromKeys(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        SiteOptions options = defaults();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            options = options.withKey(keysAndValues[i], keysAndValues[i + 1]);
        }
        return options;
    }

    public SiteOptions withCacheControl(String value) {
        return new SiteOptions(value, contentSecurityPolicy, strictTransportSecurity);
    }

    public SiteOptions withContentSecurityPolicy(String value) {
        return new SiteOptions(cacheControl, value, strictTransportSecurity);
    }

    public SiteOptions withStrictTransportSecurity(String value) {
        return new SiteOptions(cacheControl, contentSecurityPolicy, value);
    }
}
