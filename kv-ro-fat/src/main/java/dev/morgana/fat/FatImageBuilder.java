package dev.morgana.fat;

import de.waldheinz.fs.fat.FatType;
import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.KvNode;
import java.io.IOException;
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
        SizeSearch.Layout layout = SizeSearch.smallestFit(scan, root, options, progress);
        long finalSize = SizeSearch.align((long) Math.ceil(layout.bytes() * (1 + options.margin())));
        ByteBuffer bytes = null;
        for (long size = Math.min(finalSize, layout.max()); bytes == null; size = SizeSearch.grow(size, layout)) {
            try {
                TrialBuild.Trial t = TrialBuild.attempt(root, scan.bytes(), layout.type(), size, progress, true);
                bytes = t == null ? null : t.image();
            } catch (TrialBuild.RootFull e) {
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
