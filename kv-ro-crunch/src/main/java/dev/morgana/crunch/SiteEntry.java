package dev.morgana.crunch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/** One entry of the site being crunched: a directory, or a file with where to read it. */
sealed interface SiteEntry {

    /** Store order: by the unsigned UTF-8 bytes of the key, the order readers check. */
    Comparator<SiteEntry> STORE_ORDER = (a, b) -> Arrays.compareUnsigned(a.keyBytes(), b.keyBytes());

    String key();

    default byte[] keyBytes() {
        return key().getBytes(StandardCharsets.UTF_8);
    }

    record Directory(String key) implements SiteEntry {}

    /**
     * A regular file.
     *
     * @param source the path to read (a symbolic link's target, already checked to lie in htdocs)
     * @param shown the path as the user would name it, for messages
     * @param size its size when scanned, for progress
     */
    record File(String key, Path source, Path shown, long size) implements SiteEntry {}
}
