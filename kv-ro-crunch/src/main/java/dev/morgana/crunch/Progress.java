package dev.morgana.crunch;

import java.util.Locale;
import java.util.function.Consumer;

/** Reports crunching progress every tenth of the way on large sites; small sites stay quiet. */
final class Progress {

    static final int LARGE_FILE_COUNT = 200;
    static final long LARGE_BYTE_COUNT = 16L << 20;

    private final Consumer<String> sink;
    private final int totalFiles;
    private final long totalBytes;
    private final boolean large;
    private int files;
    private long bytes;
    private int lastTenth;

    Progress(Consumer<String> sink, int totalFiles, long totalBytes) {
        this.sink = sink;
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
        this.large = totalFiles > LARGE_FILE_COUNT || totalBytes > LARGE_BYTE_COUNT;
    }

    /** Counts one more file of {@code size} bytes done, reporting each tenth crossed. */
    void fileDone(long size) {
        files++;
        bytes += size;
        if (!large) {
            return;
        }
        // The further of the two measures, so a few huge files still move the bar.
        int tenth = (int) Math.max(files * 10L / totalFiles, totalBytes == 0 ? 0 : bytes * 10 / totalBytes);
        if (tenth > lastTenth && files < totalFiles) {
            lastTenth = tenth;
            sink.accept(String.format(Locale.ROOT, "crunch: %d/%d files, %d MiB", files, totalFiles, bytes >> 20));
        }
    }

    /** Bytes in a human unit, always with the same format whatever the machine's locale. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
