package dev.morgana.fat;

import de.waldheinz.fs.fat.DirectoryFullException;
import de.waldheinz.fs.fat.FatFile;
import de.waldheinz.fs.fat.FatFileSystem;
import de.waldheinz.fs.fat.FatLfnDirectory;
import de.waldheinz.fs.fat.FatType;
import de.waldheinz.fs.fat.SuperFloppyFormatter;
import de.waldheinz.fs.util.RamDisk;
import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Writes a site (an htdocs directory) into a FAT16 or FAT32 image file with long file names,
 * using fat32-lib, then makes the result reproducible (see {@link ImageNormalizer}): the same
 * site and options always give a byte-identical image, wherever the site lies and whatever its
 * files' times. The image is the smallest fat32-lib can format that holds the site (found by a
 * few trial builds in memory, to within 64 KiB) plus {@link FatOptions#margin()}; images are limited to
 * 2 GiB because they are assembled in memory.
 *
 * <p>Every file's entry carries {@link FatOptions#epoch()} (UTC) as its times, so
 * {@link FatKvRo} reports the same Last-Modified as the crunch store built with that epoch.
 * Where the crunch store keeps a gzip variant, the image keeps the same bytes under
 * {@code /.morgana-gzip/} (the key plus ".gz"), which FatKvRo hides and serves as the file's
 * GZIP variant; so both stores give the same responses, gzip negotiation included.
 */
public final class FatImageBuilder {

    /** What a build produced. */
    public record Result(Path image, String fatType, long bytes, int files, int directories,
            long contentBytes, int gzipVariants, int volumeId) {}

    private static final int STEP = 64 << 10;
    private static final long FAT16_MIN = 8400L * 512;
    private static final long FAT32_MIN = 66600L * 512;
    private static final long MAX_IMAGE = Integer.MAX_VALUE / STEP * (long) STEP;
    private static final long FAT16_MAX = Math.min(MAX_IMAGE, 4194304L * 512 - STEP);

    private FatImageBuilder() {}

    /**
     * Builds the image of {@code htdocs} at {@code image}, replacing it atomically.
     *
     * @param progress receives a line now and then ("fat: ...") for large sites
     * @throws FatBuildException naming the file if the site cannot be stored in FAT
     * @throws IOException if reading the site or writing the image fails
     */
    public static Result build(Path htdocs, Path image, FatOptions options, Consumer<String> progress)
            throws IOException {
        SiteTree.Scan scan = SiteTree.scan(htdocs, progress);
        progress.accept("fat: " + scan.files() + " files, " + scan.directories() + " directories, "
                + scan.bytes() + " bytes in " + htdocs);
        int volumeId = volumeId(scan.root());
        SiteTree.Dir root = SiteTree.withGzipVariants(scan.root());
        Layout layout = smallestFit(scan, root, options, progress);
        long finalSize = align((long) Math.ceil(layout.bytes() * (1 + options.margin())));
        ByteBuffer bytes = null;
        for (long size = Math.min(finalSize, layout.max()); bytes == null; size = grow(size, layout)) {
            try {
                Trial t = attempt(scan, root, layout.type(), size, progress, true);
                bytes = t == null ? null : t.image();
            } catch (RootFull e) {
                throw new AssertionError("the root directory fitted at a smaller size", e);
            }
        }
        bytes = ByteBuffer.allocate(bytes.capacity()).put(bytes).clear(); // fat32-lib's is read-only
        ImageNormalizer.normalize(bytes, options.epoch(), volumeId);
        verify(bytes, scan);
        write(bytes, image);
        String type = layout.type() == FatType.FAT32 ? "FAT32" : "FAT16";
        progress.accept("fat: wrote " + image + ": " + type + ", " + bytes.capacity() + " bytes");
        return new Result(image, type, bytes.capacity(), scan.files(), scan.directories(), scan.bytes(),
                gzipVariants(scan.root()), volumeId);
    }

    /**
     * Command line: {@code FatImageBuilder HTDOCS IMAGE [--fat auto|16|32] [--margin F] [--epoch S]}.
     * The epoch defaults to SOURCE_DATE_EPOCH, else 2026-01-01T00:00:00Z. Exits 0 on success, 1
     * if the build fails, 2 on a usage error.
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** {@link #main} without the exit: returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        FatOptions options;
        try {
            if (args.length < 2 || args.length % 2 != 0) {
                throw new IllegalArgumentException("expected HTDOCS IMAGE and option pairs");
            }
            options = FatOptions.defaults();
            for (int i = 2; i < args.length; i += 2) {
                String value = args[i + 1];
                options = switch (args[i]) {
                    case "--fat" -> options.withType(switch (value.toLowerCase(Locale.ROOT)) {
                        case "auto" -> FatOptions.Type.AUTO;
                        case "16", "fat16" -> FatOptions.Type.FAT16;
                        case "32", "fat32" -> FatOptions.Type.FAT32;
                        default -> throw new IllegalArgumentException("--fat must be auto, 16 or 32, not " + value);
                    });
                    case "--margin" -> options.withMargin(Double.parseDouble(value));
                    case "--epoch" -> options.withEpoch(Instant.ofEpochSecond(Long.parseLong(value)));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                };
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            err.println("fat: " + e.getMessage());
            err.println("usage: FatImageBuilder HTDOCS IMAGE [--fat auto|16|32] [--margin 0.1] [--epoch SECONDS]");
            return 2;
        }
        try {
            build(Path.of(args[0]), Path.of(args[1]), options, out::println);
            return 0;
        } catch (IOException e) {
            err.println("fat: build failed: " + e.getMessage());
            return 1;
        }
    }

    private record Layout(FatType type, long bytes, long min, long max) {}

    /** Searches the smallest size that holds the site, trying FAT16 first when AUTO. */
    private static Layout smallestFit(SiteTree.Scan scan, SiteTree.Dir root, FatOptions options,
            Consumer<String> progress)
            throws IOException {
        if (options.type() != FatOptions.Type.FAT32) {
            try {
                Layout fat16 = search(scan, root, FatType.FAT16, FAT16_MIN, FAT16_MAX, progress);
                if (fat16 != null) {
                    return fat16;
                }
                if (options.type() == FatOptions.Type.FAT16) {
                    throw new FatBuildException("the site does not fit in a FAT16 image of at most "
                            + FAT16_MAX + " bytes; use FAT32");
                }
            } catch (RootFull e) {
                if (options.type() == FatOptions.Type.FAT16) {
                    throw new FatBuildException("FAT16's fixed root directory cannot hold the " + e.entries
                            + " names at the top of the site; use FAT32 or move files into directories");
                }
            }
        }
        Layout fat32;
        try {
            fat32 = search(scan, root, FatType.FAT32, FAT32_MIN, MAX_IMAGE, progress);
        } catch (RootFull e) {
            throw new AssertionError("FAT32 has no fixed root directory", e);
        }
        if (fat32 == null) {
            throw new FatBuildException("the site does not fit in an image of at most " + MAX_IMAGE + " bytes");
        }
        return fat32;
    }

    /**
     * Finds the smallest size that holds the site, to within a 64 KiB step: grows from a lower-bound
     * estimate until a trial fits, shrinks by the free space the fitting trial left (cluster
     * sizes only shrink with the image, so that still fits), then bisects whatever gap remains.
     */
    private static Layout search(SiteTree.Scan scan, SiteTree.Dir root, FatType type, long min, long max,
            Consumer<String> progress) throws IOException, RootFull {
        long floor = align(min);
        long failed = floor - STEP;
        long fits = -1;
        Trial fit = null;
        long size = align(Math.max(min, estimate(root)));
        for (; size <= max; size = align(size + size / 16 + STEP)) {
            fit = attempt(scan, root, type, size, progress, false);
            if (fit != null) {
                fits = size;
                break;
            }
            failed = size;
        }
        if (fit == null) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            long candidate = Math.max(floor, align(fits - fit.freeBytes()));
            if (candidate <= failed || candidate >= fits) {
                break;
            }
            Trial smaller = attempt(scan, root, type, candidate, progress, false);
            if (smaller == null) {
                failed = candidate;
                break;
            }
            fits = candidate;
            fit = smaller;
        }
        // With the same cluster size, an image smaller than the used space cannot hold the site;
        // bisect only what is left above that.
        failed = Math.max(failed, Math.min(fits, align(fits - fit.freeBytes())) - STEP);
        while (fits - failed > STEP) {
            long mid = align(failed + (fits - failed) / 2);
            if (mid >= fits) {
                break;
            }
            if (attempt(scan, root, type, mid, progress, false) != null) {
                fits = mid;
            } else {
                failed = mid;
            }
        }
        return new Layout(type, fits, floor, max);
    }

    private static long grow(long size, Layout layout) throws FatBuildException {
        long next = align(size + STEP);
        if (next > layout.max()) {
            throw new FatBuildException("the site does not fit in an image of at most " + layout.max() + " bytes");
        }
        return next;
    }

    /** A lower bound of the bytes the site occupies: contents and directories, sector-rounded. */
    private static long estimate(SiteTree.Dir dir) {
        long total = (long) (dir.children().size() + 2) * 32 * 3;
        for (SiteTree.Node n : dir.children()) {
            total += switch (n) {
                case SiteTree.Dir d -> estimate(d);
                case SiteTree.File f -> (f.size() + 511) / 512 * 512;
                case SiteTree.Blob b -> (b.bytes().length + 511) / 512 * 512;
            };
        }
        return total;
    }

    private static long align(long bytes) {
        return (bytes + STEP - 1) / STEP * STEP;
    }

    /** Thrown when FAT16's fixed root directory is full: a bigger image will not help. */
    private static final class RootFull extends Exception {
        private static final long serialVersionUID = 1L;
        final int entries;

        RootFull(int entries) {
            super(null, null, false, false);
            this.entries = entries;
        }
    }

    /** A trial build that fitted: its image and the free space it left. */
    private record Trial(ByteBuffer image, long freeBytes) {}

    /** Builds the image at {@code size} bytes, or returns null if the site does not fit. */
    private static Trial attempt(SiteTree.Scan scan, SiteTree.Dir root, FatType type, long size, Consumer<String> progress,
            boolean last) throws IOException, RootFull {
        if (!last) {
            progress.accept("fat: trying " + type.name() + " of " + size + " bytes");
        }
        RamDisk disk = new RamDisk(Math.toIntExact(size));
        FatFileSystem fs = SuperFloppyFormatter.get(disk).setFatType(type).setOemName("MORGANA").format();
        Writer writer = new Writer(progress, last ? scan.bytes() : -1);
        try {
            writer.directory(fs.getRoot(), root, true);
            fs.close();
        } catch (NoSpace e) {
            return null;
        }
        ByteBuffer image = disk.getBuffer().duplicate().clear();
        FatVolume volume = FatVolume.open(new MemoryBlock("trial", image));
        return new Trial(image, volume.freeClusters() * volume.geometry().clusterBytes());
    }

    private static final class NoSpace extends Exception {
        private static final long serialVersionUID = 1L;

        NoSpace() {
            super(null, null, false, false);
        }
    }

    /** Copies the site tree into a fat32-lib file system. */
    private static final class Writer {
        private final Consumer<String> progress;
        private final long total;
        private long written;
        private long nextReport;
        private final byte[] buffer = new byte[1 << 20];

        Writer(Consumer<String> progress, long total) {
            this.progress = progress;
            this.total = total;
            this.nextReport = Math.max(total / 10, 32L << 20);
        }

        void directory(FatLfnDirectory target, SiteTree.Dir dir, boolean root) throws IOException, NoSpace, RootFull {
            for (SiteTree.Node n : dir.children()) {
                try {
                    switch (n) {
                        case SiteTree.Dir d -> directory(target.addDirectory(d.name()).getDirectory(), d, false);
                        case SiteTree.File f -> file(target.addFile(f.name()).getFile(), f);
                        case SiteTree.Blob b -> {
                            FatFile file = target.addFile(b.name()).getFile();
                            file.setLength(b.bytes().length);
                            file.write(0, ByteBuffer.wrap(b.bytes()));
                        }
                    }
                } catch (DirectoryFullException e) {
                    if (root) {
                        throw new RootFull(dir.children().size());
                    }
                    throw new FatBuildException("directory \"" + dir.key() + "\" has more entries than FAT allows", e);
                } catch (IOException e) {
                    if (isNoSpace(e)) {
                        throw new NoSpace();
                    }
                    throw new FatBuildException("writing \"" + n.key() + "\": " + e.getMessage(), e);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new FatBuildException("writing \"" + n.key() + "\": " + e.getMessage(), e);
                }
            }
        }

        private void file(FatFile target, SiteTree.File f) throws IOException {
            target.setLength(f.size());
            long offset = 0;
            try (InputStream in = Files.newInputStream(f.path())) {
                for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                    if (offset + n > f.size()) {
                        throw new FatBuildException(f.path() + " grew during the build");
                    }
                    target.write(offset, ByteBuffer.wrap(buffer, 0, n));
                    offset += n;
                    report(n);
                }
            }
            if (offset != f.size()) {
                throw new FatBuildException(f.path() + " shrank during the build");
            }
        }

        private void report(int n) {
            written += n;
            if (total > 0 && written >= nextReport) {
                progress.accept("fat: written " + (written >> 20) + " of " + (total >> 20) + " MiB");
                nextReport += Math.max(total / 10, 32L << 20);
            }
        }

        private static boolean isNoSpace(IOException e) {
            String m = e.getMessage();
            return m != null && m.startsWith("FAT Full");
        }
    }

    /** Mounts the finished image and checks that every file reads back with its scanned hash. */
    private static void verify(ByteBuffer bytes, SiteTree.Scan scan) throws IOException {
        FatKvRo kv = FatKvRo.mount(new MemoryBlock("built image", bytes));
        if (kv.keys().size() != scan.files()) {
            throw new IOException("built image holds " + kv.keys().size() + " files, expected " + scan.files());
        }
        check(kv, scan.root());
    }

    private static void check(FatKvRo kv, SiteTree.Dir dir) throws IOException {
        for (SiteTree.Node n : dir.children()) {
            switch (n) {
                case SiteTree.Dir d -> check(kv, d);
                case SiteTree.File f -> {
                    if (!(kv.find(f.key()).orElse(null) instanceof KvNode.File got)
                            || got.length() != f.size() || !got.etag().equals(ETags.fromSha256(f.sha256()))
                            || got.gzipLength() != (f.gzip() == null ? -1 : f.gzip().length)) {
                        throw new IOException("built image does not read back \"" + f.key() + "\" intact");
                    }
                }
                case SiteTree.Blob b -> { }
            }
        }
    }

    private static int gzipVariants(SiteTree.Dir dir) {
        int n = 0;
        for (SiteTree.Node node : dir.children()) {
            n += switch (node) {
                case SiteTree.Dir d -> gzipVariants(d);
                case SiteTree.File f -> f.gzip() == null ? 0 : 1;
                case SiteTree.Blob b -> 0;
            };
        }
        return n;
    }

    /** The volume id: the first 4 bytes of a SHA-256 over every key and file hash. */
    private static int volumeId(SiteTree.Dir root) {
        MessageDigest sha = ETags.sha256();
        feed(sha, root);
        return ByteBuffer.wrap(sha.digest()).getInt();
    }

    private static void feed(MessageDigest sha, SiteTree.Dir dir) {
        for (SiteTree.Node n : dir.children()) {
            sha.update(n.key().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            switch (n) {
                case SiteTree.Dir d -> feed(sha, d);
                case SiteTree.File f -> sha.update(f.sha256());
                case SiteTree.Blob b -> sha.update(b.bytes());
            }
        }
    }

    private static void write(ByteBuffer bytes, Path image) throws IOException {
        Path dir = image.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".fat-", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = bytes.duplicate().clear();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            Files.move(tmp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
