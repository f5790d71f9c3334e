package dev.morgana.crunch;

import dev.morgana.types.kv.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks an htdocs directory and lists what the store will hold, in store order, refusing
 * anything that cannot be served faithfully: names that are not UTF-8 or not valid keys,
 * symbolic links that leave htdocs or loop, special files, files over 1 GiB.
 *
 * <p>Symbolic links inside htdocs are followed: the link's name gets the target's content.
 */
final class SiteScanner {

    private final Path root;
    private final List<SiteEntry> entries = new ArrayList<>();

    private SiteScanner(Path root) {
        this.root = root;
    }

    /** The entries under {@code htdocs}, root directory first, sorted by UTF-8 key bytes. */
    static List<SiteEntry> scan(Path htdocs) throws IOException {
        if (!Files.isDirectory(htdocs)) {
            throw new CrunchException(htdocs + ": not a directory");
        }
        SiteScanner scanner = new SiteScanner(htdocs.toRealPath());
        Set<Path> ancestors = new HashSet<>();
        ancestors.add(scanner.root);
        scanner.scanDirectory(scanner.root, htdocs, "", ancestors);
        scanner.entries.sort(SiteEntry.STORE_ORDER);
        return List.copyOf(scanner.entries);
    }

    private void scanDirectory(Path dir, Path shownDir, String key, Set<Path> ancestors) throws IOException {
        add(new SiteEntry.Directory(key), shownDir);
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                children.add(child);
            }
        } catch (IOException e) {
            throw new CrunchException(shownDir + ": cannot list directory (" + e + ")", e);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            Path shown = shownDir.resolve(child.getFileName());
            String childKey = key.isEmpty() ? name : key + "/" + name;
            checkName(child, shown, name, childKey);
            scanChild(child, shown, childKey, ancestors);
        }
    }

    private void scanChild(Path child, Path shown, String key, Set<Path> ancestors) throws IOException {
        BasicFileAttributes attributes = attributes(child, shown, LinkOption.NOFOLLOW_LINKS);
        Path source = child;
        if (attributes.isSymbolicLink()) {
            source = linkTarget(child, shown);
            attributes = attributes(source, shown);
        }
        if (attributes.isDirectory()) {
            Path real = source.toRealPath();
            if (!ancestors.add(real)) {
                throw new CrunchException(shown + ": symbolic link loop (leads back to " + real + ")");
            }
            scanDirectory(real, shown, key, ancestors);
            ancestors.remove(real);
        } else if (attributes.isRegularFile()) {
            if (attributes.size() > CrunchFormat.MAX_FILE_BYTES) {
                throw new CrunchException(shown + ": file too large (" + attributes.size()
                        + " bytes; a crunch store holds files up to 1 GiB, use FS=fat for more)");
            }
            add(new SiteEntry.File(key, source, shown, attributes.size()), shown);
        } else {
            throw new CrunchException(shown + ": not a regular file or directory (a FIFO, socket or device "
                    + "cannot be served)");
        }
    }

    /** The real target of a symbolic link, which must exist and lie inside htdocs. */
    private Path linkTarget(Path link, Path shown) throws IOException {
        Path real;
        try {
            real = link.toRealPath();
        } catch (NoSuchFileException e) {
            throw new CrunchException(shown + ": broken symbolic link (-> " + readLink(link) + ")", e);
        } catch (IOException e) {
            throw new CrunchException(shown + ": cannot resolve symbolic link (" + e + ")", e);
        }
        if (!real.startsWith(root)) {
            throw new CrunchException(shown + ": symbolic link leads outside htdocs (to " + real + ")");
        }
        return real;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Rejects names that cannot become keys. The JDK decodes file names with the platform's
     * file-name encoding and turns undecodable bytes into U+FFFD, so a U+FFFD means the name's
     * bytes are not valid in that encoding; the raw bytes are shown percent-encoded.
     */
    private void checkName(Path child, Path shown, String name, String key) throws CrunchException {
        if (name.indexOf('\uFFFD') >= 0) {
            String encoding = System.getProperty("sun.jnu.encoding", "?");
            String hint = encoding.equalsIgnoreCase("UTF-8") ? ""
                    : " (the JVM decodes file names as " + encoding + ": run it with LC_ALL=C.UTF-8)";
            throw new CrunchException(shown + ": file name is not valid UTF-8, "
                    + "raw bytes " + rawName(child) + hint);
        }
        if (!Keys.isValid(key) || name.indexOf('/') >= 0) {
            throw new CrunchException(shown + ": file name cannot be a store key (no backslash or NUL allowed)");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > CrunchFormat.MAX_KEY_BYTES) {
            throw new CrunchException(shown + ": path longer than " + CrunchFormat.MAX_KEY_BYTES + " bytes");
        }
    }

    /** The file name's bytes, percent-encoded where not plain ASCII (the JDK keeps raw bytes in URIs). */
    private static String rawName(Path child) {
        String uriPath = child.toUri().getRawPath();
        if (uriPath.endsWith("/")) {
            uriPath = uriPath.substring(0, uriPath.length() - 1);
        }
        return uriPath.substring(uriPath.lastIndexOf('/') + 1);
    }

    private void add(SiteEntry entry, Path shown) throws CrunchException {
        if (entries.size() >= CrunchFormat.MAX_ENTRIES) {
            throw new CrunchException(shown + ": too many files and directories (the limit is "
                    + CrunchFormat.MAX_ENTRIES + ")");
        }
        entries.add(entry);
    }

    private static BasicFileAttributes attributes(Path path, Path shown, LinkOption... options) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, options);
        } catch (IOException e) {
            throw new CrunchException(shown + ": cannot read attributes (" + e + ")", e);
        }
    }
}
