package dev.morgana.site;

/**
 * Choices of the static site that are not in the store.
 *
 * @param cacheControl Cache-Control sent with files, 304s and the 404 page, or null for none
 * @param contentSecurityPolicy Content-Security-Policy sent with every response, or null for none
 */
public record SiteOptions(String cacheControl, String contentSecurityPolicy) {

    /** One minute of caching, then revalidation with the ETag (cheap 304s); no CSP. */
    public static SiteOptions defaults() {
        return new SiteOptions("public, max-age=60", null);
    }
}
