package dev.morgana.fat;

import java.util.Locale;
import java.util.Set;

/** Which names a FAT long-name entry can hold, and how FAT compares them (case-insensitively). */
final class FatNames {

    /** Most UTF-16 units in a long name. */
    static final int MAX_LENGTH = 255;

    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private static final String FORBIDDEN = "\"*/:<>?\\|";

    private FatNames() {}

    /** Why {@code name} cannot be a FAT long name, or null if it can. */
    static String problem(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "is not a file name";
        }
        if (name.length() > MAX_LENGTH) {
            return "is " + name.length() + " UTF-16 units long, FAT allows " + MAX_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "contains control character U+" + String.format("%04X", (int) c);
            }
            if (FORBIDDEN.indexOf(c) >= 0) {
                return "contains '" + c + "', which FAT forbids";
            }
            if (Character.isSurrogate(c)) {
                // Long names are UCS-2: mtools, for one, mangles surrogate pairs.
                return "contains U+" + Integer.toHexString(name.codePointAt(i > 0 && Character.isLowSurrogate(c) ? i - 1 : i))
                        .toUpperCase(java.util.Locale.ROOT) + ", outside the UCS-2 range of FAT long names";
            }
        }
        if (name.startsWith(" ")) {
            return "begins with a space, which FAT tools strip";
        }
        if (name.endsWith(".") || name.endsWith(" ")) {
            return "ends with '" + name.charAt(name.length() - 1) + "', which FAT drops";
        }
        int dot = name.indexOf('.');
        String base = (dot < 0 ? name : name.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (RESERVED.contains(base)) {
            return "is the reserved device name " + base;
        }
        return null;
    }

    /** The form under which FAT considers two names equal. */
    static String folded(String name) {
        return name.toUpperCase(Locale.ROOT);
    }
}
