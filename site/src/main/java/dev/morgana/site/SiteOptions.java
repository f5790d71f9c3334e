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
