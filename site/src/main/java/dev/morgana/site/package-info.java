/**
 * The static-site application, written against the module types only: it maps request paths
 * to keys of a {@link dev.morgana.types.kv.KvRo} and answers with the stored files, following
 * RFC 9110 for validators, conditional requests, byte ranges and content codings.
 * {@link dev.morgana.site.StaticSite} is the job; {@link dev.morgana.site.HttpsRedirect} is the
 * handler for a plain-HTTP port when the site itself is served over TLS.
 */
package dev.morgana.site;
