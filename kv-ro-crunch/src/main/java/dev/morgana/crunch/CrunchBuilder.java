package dev.morgana.crunch;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Build-time tool: turns an htdocs directory into one crunch store file (format in
 * {@link CrunchFormat}), with each file's length, content type, strong ETag, last-modified
 * time and, where strictly smaller, a gzip variant.
 *
 * <p>The store depends only on the files' names and bytes and on the given last-modified time:
 * never on file times, directory order, the clock or the locale, so the same site always gives
 * a byte-identical store (for a given JDK's zlib). Files are read one at a time and their data
 * spooled to a temporary file next to the output, so memory stays bounded by the largest file.
 */
public final class CrunchBuilder {

    /** The last-modified time used when SOURCE_DATE_EPOCH is not set. */
    public static final Instant DEFAULT_LAST_MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

    /** What a build produced. */
    public record Result(int files, int directories, long totalBytes, int gzipVariants, long storeSize) {}

    /** Reads one file of the site; tests substitute failures here. */
    @FunctionalInterface
    interface FileReader {
        byte[] read(SiteEntry.File file) throws IOException;
    }

    private CrunchBuilder() {}

    /**
     * Crunches {@code htdocs} into the store file {@code output}, replacing it atomically.
     *
     * @param lastModified the last-modified time of every file, truncated to whole seconds
     * @param progress receives a line every tenth of the way on large sites (over 200 files or
     *     16 MiB), and always a final summary line
     * @throws CrunchException naming the file, if a name is not valid UTF-8 or not a valid key,
     *     a symbolic link leaves htdocs, a file is unreadable, special or over 1 GiB
     * @throws IllegalArgumentException if {@code lastModified} is before 1970 or after 9999
     */
    public static Result build(Path htdocs, Path output, Instant lastModified, Consumer<String> progress)
            throws IOException {
        return build(htdocs, output, lastModified, progress, CrunchBuilder::readFile);
    }

    static Result build(Path htdocs, Path output, Instant lastModified, Consumer<String> progress, FileReader reader)
            throws IOException {
        long modifiedSecond = lastModified.getEpochSecond();
        if (modifiedSecond < 0 || modifiedSecond > CrunchFormat.MAX_EPOCH_SECOND) {
            throw new IllegalArgumentException("last-modified time out of range 1970..9999: " + lastModified);
        }
        List<SiteEntry> entries = SiteScanner.scan(htdocs);
        Path target = output.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        if (directory.toRealPath().startsWith(htdocs.toRealPath())) {
            throw new CrunchException(output + ": the store must not be written inside htdocs (" + htdocs + ")");
        }

        int fileCount = 0;
        long totalBytes = 0;
        for (SiteEntry entry : entries) {
            if (entry instanceof SiteEntry.File file) {
                fileCount++;
                totalBytes += file.size();
            }
        }
        Progress bar = new Progress(progress, fileCount, totalBytes);
        long readBytes = 0;
        int gzipVariants = 0;
        long storeSize;
        try (StoreWriter writer = new StoreWriter(directory)) {
            for (SiteEntry entry : entries) {
                switch (entry) {
                    case SiteEntry.Directory dir -> writer.directory(dir.keyBytes());
                    case SiteEntry.File file -> {
                        byte[] content = reader.read(file);
                        String contentType = MediaTypes.forName(file.key());
                        Optional<byte[]> gzip = MediaTypes.isCompressible(contentType)
                                ? DeterministicGzip.compressIfSmaller(content)
                                : Optional.empty();
                        writer.file(file.keyBytes(), content, gzip, modifiedSecond, contentType, ETags.of(content));
                        readBytes += content.length;
                        gzipVariants += gzip.isPresent() ? 1 : 0;
                        bar.fileDone(content.length);
                    }
                }
            }
            storeSize = writer.finish(target);
        }
        int directories = entries.size() - fileCount;
        progress.accept("crunch: " + plural(fileCount, "file") + " in " + plural(directories, "directory") + ", "
                + Progress.size(readBytes) + " (" + gzipVariants + " gzip variants) -> " + output + ", "
                + Progress.size(storeSize));
        return new Result(fileCount, directories, readBytes, gzipVariants, storeSize);
    }

    private static String plural(long count, String noun) {
        if (count == 1) {
            return "1 " + noun;
        }
        return count + " " + (noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s");
    }

    /** Reads a whole file, refusing more than 1 GiB even if it grew since it was scanned. */
    private static byte[] readFile(SiteEntry.File file) throws IOException {
        byte[] content;
        try (InputStream in = Files.newInputStream(file.source())) {
            content = in.readNBytes((int) CrunchFormat.MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new CrunchException(file.shown() + ": cannot read file (" + e + ")", e);
        }
        if (content.length > CrunchFormat.MAX_FILE_BYTES) {
            throw new CrunchException(file.shown() + ": file too large (over 1 GiB)");
        }
        return content;
    }

    /**
     * Command line: {@code CrunchBuilder HTDOCS OUTPUT}. The last-modified time is
     * SOURCE_DATE_EPOCH (seconds) if set, else {@link #DEFAULT_LAST_MODIFIED}; never the clock.
     * Exits 1 with a message naming the file if the site cannot be crunched, 2 on bad usage.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: CrunchBuilder HTDOCS OUTPUT  (SOURCE_DATE_EPOCH sets Last-Modified)");
            System.exit(2);
        }
        Instant lastModified;
        try {
            lastModified = lastModified(System.getenv("SOURCE_DATE_EPOCH"));
        } catch (IllegalArgumentException e) {
            System.err.println("crunch: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            build(Path.of(args[0]), Path.of(args[1]), lastModified, System.out::println);
        } catch (IOException e) {
            System.err.println("crunch: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The last-modified time for a SOURCE_DATE_EPOCH value (null or blank: the default). */
    static Instant lastModified(String sourceDateEpoch) {
        if (sourceDateEpoch == null || sourceDateEpoch.isBlank()) {
            return DEFAULT_LAST_MODIFIED;
        }
        long seconds;
        try {
            seconds = Long.parseLong(sourceDateEpoch.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SOURCE_DATE_EPOCH is not a number of seconds: " + sourceDateEpoch);
        }
        if (seconds < 0 || seconds > CrunchFormat.MAX_EPOCH_SECOND) {
            throw new IllegalArgumentException("SOURCE_DATE_EPOCH out of range 1970..9999: " + sourceDateEpoch);
        }
        return Instant.ofEpochSecond(seconds);
    }
}
