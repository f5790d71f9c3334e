package dev.morgana.site;

import dev.morgana.types.kv.Encoding;
import java.util.Locale;

/** Chooses a stored variant from Accept-Encoding (RFC 9110 §12.5.3), q-values honoured. */
final class ContentCodings {

    private static final int MAX_ELEMENTS = 32;

    private ContentCodings() {}

    /**
     * The variant to send: gzip when it is stored and the client prefers it at least as much as
     * identity, identity when acceptable, or null when nothing acceptable exists (406).
     */
    static Encoding choose(String acceptEncoding, boolean hasGzip) {
        if (acceptEncoding == null) {
            return Encoding.IDENTITY;
        }
        double gzip = -1;
        double identity = -1;
        double star = -1;
        String[] elements = acceptEncoding.split(",", -1);
        for (int i = 0; i < elements.length && i < MAX_ELEMENTS; i++) {
            String[] parts = elements[i].split(";", -1);
            String coding = parts[0].strip().toLowerCase(Locale.ROOT);
            if (coding.isEmpty()) {
                continue;
            }
            double q = 1;
            for (int p = 1; p < parts.length; p++) {
                String param = parts[p].strip();
                if (param.length() > 2 && (param.startsWith("q=") || param.startsWith("Q="))) {
                    q = qvalue(param.substring(2));
                }
            }
            if (q < 0) {
                continue;
            }
            switch (coding) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "identity" -> identity = q;
                case "*" -> star = q;
                default -> { }
            }
        }
        double gzipQ = gzip >= 0 ? gzip : star >= 0 ? star : 0;
        double identityQ = identity >= 0 ? identity : star == 0 ? 0 : 1;
        if (hasGzip && gzipQ > 0 && gzipQ >= identityQ) {
            return Encoding.GZIP;
        }
        if (identityQ > 0) {
            return Encoding.IDENTITY;
        }
        return hasGzip && gzipQ > 0 ? Encoding.GZIP : null;
    }

    /** A qvalue ("0", "0.5", "1.000"), or -1 if malformed. */
    private static double qvalue(String s) {
        if (s.isEmpty() || s.length() > 5 || (s.charAt(0) != '0' && s.charAt(0) != '1')) {
            return -1;
        }
        if (s.length() > 1 && s.charAt(1) != '.') {
            return -1;
        }
        for (int i = 2; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        double q = Double.parseDouble(s.length() == 2 ? s.substring(0, 1) : s);
        return q > 1 ? -1 : q;
    }
}
