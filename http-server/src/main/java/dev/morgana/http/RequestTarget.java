package dev.morgana.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request target resolved to a safe path (RFC 9112 §3.2): origin-form ("/a/b?q"),
 * absolute-form ("http://host/a/b?q") or asterisk-form ("*", OPTIONS only).
 *
 * <p>The path is percent-decoded exactly once and must be valid UTF-8. Rejected: fragments,
 * NUL and other control characters, backslashes, encoded '/' or '\' (which would change the
 * path's segments), and "." or ".." segments (browsers remove them before sending; a request
 * that still has them is trying to leave the site root).
 *
 * @param path the decoded path, starting with '/', or "*" for asterisk-form
 * @param query the raw query without '?', or null
 */
record RequestTarget(String path, String query) {

    static final RequestTarget ASTERISK = new RequestTarget("*", null);

    /** The resolved target, or null if it is malformed or unsafe. */
    static RequestTarget parse(String target) {
        if (target.equals("*")) {
            return ASTERISK;
        }
        if (target.indexOf('#') >= 0) {
            return null;
        }
        String rest;
        if (target.startsWith("/")) {
            rest = target;
        } else {
            String lower = target.toLowerCase(Locale.ROOT);
            int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
            if (schemeEnd < 0) {
                return null;
            }
            int slash = target.indexOf('/', schemeEnd);
            int question = target.indexOf('?', schemeEnd);
            int authorityEnd = slash >= 0 && (question < 0 || slash < question) ? slash
                    : question >= 0 ? question : target.length();
            String authority = target.substring(schemeEnd, authorityEnd);
            if (authority.isEmpty() || authority.indexOf('@') >= 0) {
                return null;
            }
            rest = authorityEnd == slash ? target.substring(authorityEnd) : "/" + target.substring(authorityEnd);
        }
        int q = rest.indexOf('?');
        String rawPath = q >= 0 ? rest.substring(0, q) : rest;
        String query = q >= 0 ? rest.substring(q + 1) : null;
        String path = decodePath(rawPath);
        return path == null ? null : new RequestTarget(path, query);
    }

    /** Percent-decodes {@code raw} once and checks it; null if unsafe. */
    static String decodePath(String raw) {
        String path = isPlain(raw) ? raw : decodeEscapes(raw);
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return hasDotSegment(path) ? null : path;
    }

    /** True if {@code raw} has no escapes and only printable ASCII other than backslash. */
    private static boolean isPlain(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' || c == '\\' || c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** True if a segment of {@code path} is "." or "..". */
    private static boolean hasDotSegment(String path) {
        int segmentStart = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                int len = i - segmentStart;
                if ((len == 1 || len == 2) && path.charAt(segmentStart) == '.'
                        && (len == 1 || path.charAt(segmentStart + 1) == '.')) {
                    return true;
                }
                segmentStart = i + 1;
            }
        }
        return false;
    }

    /** Decodes escapes into UTF-8 text; null on a bad escape, an unsafe byte or bad UTF-8. */
    private static String decodeEscapes(String raw) {
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int b;
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b = hi * 16 + lo;
                if (b == '/' || b == '\\') {
                    return null;
                }
                i += 2;
            } else {
                b = c;
            }
            if (b < 0x20 || b == 0x7F || b == '\\' || (c != '%' && b > 0x7E)) {
                return null;
            }
            out[n++] = (byte) b;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
