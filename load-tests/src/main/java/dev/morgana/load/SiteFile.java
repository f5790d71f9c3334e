package dev.morgana.load;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One file of the site as the build saw it: what a correct response for it must carry.
 *
 * @param path         the file's path in the site, starting with "/" (e.g. "/docs/index.html")
 * @param length       its length in bytes, the expected Content-Length
 * @param sha256       the lowercase hex SHA-256 of its bytes, the expected body checksum
 * @param subresources for an HTML page, the site paths of the stylesheets, icons and images it
 *                     links to, in document order without repeats; empty for other files
 */
public record SiteFile(String path, long length, String sha256, List<String> subresources) {

    public SiteFile {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException("bad site path: " + path);
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length for " + path);
        }
        if (sha256.length() != 64 || !sha256.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("bad SHA-256 for " + path + ": " + sha256);
        }
        subresources = List.copyOf(subresources);
    }

    /** True for the HTML pages a visitor navigates to. */
    public boolean isPage() {
        return path.endsWith(".html");
    }

    /**
     * The URL path a person would type or follow for this file: each segment percent-encoded,
     * and "dir/index.html" as "dir/", the way the site links its pages.
     */
    public String urlPath() {
        String shown = path.endsWith("/index.html") ? path.substring(0, path.length() - "index.html".length()) : path;
        return Arrays.stream(shown.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    /** The lowercase hex SHA-256 of {@code bytes}, the form {@link #sha256()} holds. */
    public static String sha256Of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
