package dev.morgana.site;

/** Entity-tag lists of If-Match and If-None-Match, compared as RFC 9110 §8.8.3.2 says. */
final class EntityTags {

    private static final int MAX_TAGS = 64;

    private EntityTags() {}

    /**
     * True if {@code list} ("*" or comma-separated entity-tags) matches {@code etag}. Weak
     * comparison ignores the W/ prefix; strong comparison never matches a weak tag. A malformed
     * list matches nothing.
     */
    static boolean matches(String list, String etag, boolean weak) {
        String l = list.strip();
        if (l.equals("*")) {
            return true;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        boolean etagWeak = etag.startsWith("W/");
        int i = 0;
        int tags = 0;
        while (i < l.length() && tags++ < MAX_TAGS) {
            while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '\t' || l.charAt(i) == ',')) {
                i++;
            }
            if (i == l.length()) {
                break;
            }
            boolean isWeak = l.startsWith("W/", i);
            if (isWeak) {
                i += 2;
            }
            if (i >= l.length() || l.charAt(i) != '"') {
                return false;
            }
            int close = l.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            String candidate = l.substring(i, close + 1);
            if (candidate.equals(opaque) && (weak || (!isWeak && !etagWeak))) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }

    /** True if {@code value} looks like an entity-tag rather than a date (for If-Range). */
    static boolean isTag(String value) {
        return value.startsWith("\"") || value.startsWith("W/\"");
    }
}
