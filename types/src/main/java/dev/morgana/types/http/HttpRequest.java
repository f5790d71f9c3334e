package dev.morgana.types.http;

import java.util.Objects;

/**
 * A parsed, validated request head. Bodies are not exposed: a static server reads and discards
 * them within the configured limit.
 *
 * @param method the method token, case-sensitive ("GET")
 * @param target the request target exactly as sent ("/docs/a%20b.html?x=1")
 * @param path the target's path, percent-decoded once and validated, always starting with '/'
 * @param query the raw query without '?', or null if none
 * @param versionMinor 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param headers the header fields in arrival order
 * @param remote the peer's address, for logs
 */
public record HttpRequest(String method, String target, String path, String query, int versionMinor,
                          HttpFields headers, String remote) {
    public HttpRequest {
        Objects.requireNonNull(method);
        Objects.requireNonNull(target);
        Objects.requireNonNull(path);
        Objects.requireNonNull(headers);
        Objects.requireNonNull(remote);
    }
}
