package dev.morgana.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Range header's byte ranges (RFC 9110 §14.1.2), resolved against a length. */
final class ByteRanges {

    /** An inclusive byte range within the representation. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    /** More ranges than this and the header is ignored (RFC 9110 §14.2 allows it). */
    static final int MAX_RANGES = 16;

    private ByteRanges() {}

    /**
     * The satisfiable ranges of {@code header} for a representation of {@code length} bytes:
     * null if the header is malformed or asks too much (then it is ignored and the whole content
     * sent), an empty list if none is satisfiable (416).
     */
    static List<Range> parse(String header, long length) {
        String h = header.strip();
        if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return null;
        }
        String[] specs = h.substring(6).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return null;
        }
        List<Range> ranges = new ArrayList<>(specs.length);
        for (String raw : specs) {
            String spec = raw.strip();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String a = spec.substring(0, dash);
            String b = spec.substring(dash + 1);
            if (a.isEmpty()) {
                long suffix = number(b);
                if (suffix < 0) {
                    return null;
                }
                if (suffix > 0 && length > 0) {
                    ranges.add(new Range(Math.max(0, length - suffix), length - 1));
                }
                continue;
            }
            long first = number(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
            if (first < 0 || last < 0 || last < first) {
                return null;
            }
            if (first < length) {
                ranges.add(new Range(first, Math.min(last, length - 1)));
            }
        }
        return ranges;
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
