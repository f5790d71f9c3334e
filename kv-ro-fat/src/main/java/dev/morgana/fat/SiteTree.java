package dev.morgana.fat;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The site to put into an image: every directory and regular file under htdocs (symbolic links
 * followed when they stay inside htdocs, as the crunch store does), children sorted by name so the same site always gives the same tree, each name
 * checked against what FAT can hold, and each file's SHA-256.
 */
final class SiteTree {

    /** A file or directory of the site; keys are '/'-separated paths relative to htdocs. */
    sealed interface Node permits Dir, File, Blob {
        String key();

        String name();
    }

    record Dir(String key, String name, List<Node> children) implements Node {}

    /** A file of the site; {@code gzip} is its gzip variant, or null if none is kept. */
    record File(String key, String name, Path path, long size, byte[] sha256, byte[] gzip) implements Node {}

    /** Bytes the builder adds (a gzip variant), not read from the site. */
    record Blob(String key, String name, byte[] bytes) implements Node {}

    /** The scanned site: its root and totals. */
    record Scan(Dir root, int files, int directories, long bytes) {}

    private static final int MAX_DEPTH = 64;

    /** Files at least this large get no gzip variant (the crunch store cannot hold them either). */
    private static final long MAX_COMPRESSED_FILE = 1L << 30;

    private final Path realRoot;
    private final Consumer<String> progress;
    private int files;
    private int directories;
    private long bytes;
    private long nextReport = 64L << 20;

    private SiteTree(Path realRoot, Consumer<String> progress) {
        this.realRoot = realRoot;
        this.progress = progress;
    }

    /**
     * Scans {@code htdocs}.
     *
     * @throws FatBuildException naming the file if a name cannot be stored in FAT, two names in a
     *     directory differ only in case, or an entry is neither a file nor a directory
     */
    static Scan scan(Path htdocs, Consumer<String> progress) throws IOException {
        if (!Files.isDirectory(htdocs)) {
            throw new FatBuildException(htdocs + " is not a directory");
        }
        SiteTree tree = new SiteTree(htdocs.toRealPath(), progress);
        Set<Path> ancestors = new HashSet<>();
        ancestors.add(tree.realRoot);
        Dir root = tree.directory(htdocs, "", "", ancestors);
        return new Scan(root, tree.files, tree.directories, tree.bytes);
    }

    /**
     * {@code root} with the gzip variants added under {@link GzipVariant#DIRECTORY}, mirroring
     * the directories that hold them; {@code root} itself if there are none.
     */
    static Dir withGzipVariants(Dir root) {
        Dir variants = variants(root, GzipVariant.DIRECTORY, GzipVariant.DIRECTORY);
        if (variants == null) {
            return root;
        }
        List<Node> children = new ArrayList<>(root.children());
        children.add(variants);
        return new Dir(root.key(), root.name(), List.copyOf(children));
    }

    private static Dir variants(Dir dir, String key, String name) {
        List<Node> children = new ArrayList<>();
        for (Node n : dir.children()) {
            String childKey = key + "/" + n.name();
            switch (n) {
                case Dir d -> {
                    Dir sub = variants(d, childKey, d.name());
                    if (sub != null) {
                        children.add(sub);
                    }
                }
                case File f when f.gzip() != null ->
                        children.add(new Blob(childKey + GzipVariant.SUFFIX, f.name() + GzipVariant.SUFFIX, f.gzip()));
                default -> { }
            }
        }
        return children.isEmpty() ? null : new Dir(key, name, List.copyOf(children));
    }

    private Dir directory(Path dir, String key, String name, Set<Path> ancestors) throws IOException {
        if (ancestors.size() > MAX_DEPTH) {
            throw new FatBuildException(dir + ": directories nested deeper than " + MAX_DEPTH);
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        Map<String, String> folded = new HashMap<>();
        List<Node> children = new ArrayList<>(entries.size());
        for (Path p : entries) {
            String childName = p.getFileName().toString();
            String childKey = key.isEmpty() ? childName : key + "/" + childName;
            checkName(p, childName, key.isEmpty());
            String clash = folded.putIfAbsent(FatNames.folded(childName), childName);
            if (clash != null) {
                throw new FatBuildException(p + ": differs only in case from " + dir.resolve(clash)
                        + ", and FAT names are case-insensitive");
            }
            Path source = Files.isSymbolicLink(p) ? linkTarget(p) : p;
            if (Files.isDirectory(source)) {
                Path real = source.toRealPath();
                if (!ancestors.add(real)) {
                    throw new FatBuildException(p + ": symbolic link loop (leads back to " + real + ")");
                }
                directories++;
                children.add(directory(p, childKey, childName, ancestors));
                ancestors.remove(real);
            } else if (Files.isRegularFile(source)) {
                children.add(file(source, childKey, childName));
            } else {
                throw new FatBuildException(p + ": neither a regular file nor a directory");
            }
        }
        return new Dir(key, name, List.copyOf(children));
    }

    /** Symbolic links are followed if they resolve to something inside htdocs, as crunch does. */
    private Path linkTarget(Path link) throws IOException {
        Path real;
        try {
            real = link.toRealPath();
        } catch (NoSuchFileException e) {
            throw new FatBuildException(link + ": broken symbolic link", e);
        }
        if (!real.startsWith(realRoot)) {
            throw new FatBuildException(link + ": symbolic link leads outside htdocs (to " + real + ")");
        }
        return real;
    }

    private static void checkName(Path p, String name, boolean topLevel) throws FatBuildException {
        if (name.indexOf('\uFFFD') >= 0) {
            throw new FatBuildException(p + ": file name is not valid in the JVM's file-name encoding "
                    + System.getProperty("sun.jnu.encoding") + " (run with LC_ALL=C.UTF-8)");
        }
        String problem = FatNames.problem(name);
        if (problem != null) {
            throw new FatBuildException(p + ": FAT cannot hold this name: it " + problem);
        }
        if (topLevel && FatNames.folded(name).equals(FatNames.folded(GzipVariant.DIRECTORY))) {
            throw new FatBuildException(p + ": this name is reserved for the image's gzip variants");
        }
    }

    private File file(Path p, String key, String name) throws IOException {
        MessageDigest sha = ETags.sha256();
        long size = 0;
        byte[] gzip = null;
        if (MediaTypes.isCompressible(MediaTypes.forName(key)) && Files.size(p) < MAX_COMPRESSED_FILE
                && name.length() + GzipVariant.SUFFIX.length() <= FatNames.MAX_LENGTH) {
            byte[] content = Files.readAllBytes(p);
            sha.update(content);
            size = content.length;
            gzip = GzipVariant.compressIfSmaller(content);
        } else {
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(p)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                    size += n;
                }
            }
        }
        if (size > 0xFFFFFFFFL) {
            throw new FatBuildException(p + ": " + size + " bytes, FAT files hold at most 4 GiB - 1");
        }
        files++;
        bytes += size;
        if (bytes >= nextReport) {
            progress.accept("fat: scanned " + files + " files, " + (bytes >> 20) + " MiB");
            nextReport += 64L << 20;
        }
        return new File(key, name, p, size, sha.digest(), gzip);
    }
}
