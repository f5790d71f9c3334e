package dev.morgana.http;

import java.nio.charset.StandardCharsets;

/** Byte classes of RFC 9110 §5.6 used by the parser and the writer. */
final class Ascii {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Ascii() {}

    /** True for a token character (field names, methods, transfer codings). */
    static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** True for a byte allowed inside a field value: HTAB, SP, VCHAR and obs-text. */
    static boolean isFieldValueByte(int b) {
        int c = b & 0xFF;
        return c == '\t' || (c >= 0x20 && c != 0x7F);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !isTchar(c)) {
                return false;
            }
        }
        return true;
    }

    /** Methods worth not allocating a string for. */
    static final String[] METHODS = {"GET", "HEAD", "OPTIONS", "POST"};

    /** Field names (as browsers and tools spell them) worth not allocating a string for. */
    static final String[] FIELD_NAMES = {"Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
        "Connection", "If-None-Match", "If-Modified-Since", "Range", "Referer", "Cookie", "Cache-Control",
        "Upgrade-Insecure-Requests", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User",
        "Priority", "Pragma", "DNT", "host", "user-agent", "accept", "accept-encoding", "accept-language",
        "connection", "if-none-match", "if-modified-since", "range", "referer", "cookie", "cache-control"};

    /** The bytes as a string, shared with {@code common} when equal to one of them (case-sensitive). */
    static String common(byte[] buf, int from, int to, String[] common) {
        int len = to - from;
        for (String c : common) {
            if (c.length() == len && matches(buf, from, c)) {
                return c;
            }
        }
        return latin1(buf, from, to);
    }

    private static boolean matches(byte[] buf, int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (buf[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes decoded one to one as ISO-8859-1 (so obs-text survives unchanged). */
    static String latin1(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
