package dev.morgana.types.kv;

/** Rules for store keys shared by every {@link KvRo} implementation. */
public final class Keys {

    private Keys() {}

    /**
     * True if {@code key} is a well-formed store key: no leading or trailing '/', no empty,
     * "." or ".." segment, no backslash and no NUL.
     */
    public static boolean isValid(String key) {
        if (key.isEmpty()) {
            return true;
        }
        if (key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
