package dev.morgana.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The site's own record of what every response must be: for each file its length and SHA-256,
 * and for each page the files a browser loads with it. Generated from the assembled htdocs at
 * build time (so nothing is hard-coded in the simulations) and read back by them.
 *
 * <p>Format, one file per line, sorted by path, UTF-8:
 * {@code path TAB length TAB sha256 TAB subresource paths separated by spaces}; lines starting
 * with "#" are comments.
 */
public final class ChecksumManifest {

    /** Where the build puts the manifest on the simulations' class path. */
    public static final String RESOURCE = "/morgana/htdocs-checksums.tsv";
    /** A manifest longer than this many lines is refused: a bound for bad input. */
    static final int MAX_FILES = 100_000;

    private ChecksumManifest() {}

    /** Scans {@code htdocs}: every regular file, with the subresources of its pages that exist. */
    public static List<SiteFile> scan(Path htdocs) throws IOException {
        if (!Files.isDirectory(htdocs)) {
            throw new IOException("no site at " + htdocs + " (htdocs-example is assembled by `mvn package`)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(htdocs)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.size() > MAX_FILES) {
            throw new IOException(htdocs + " has more than " + MAX_FILES + " files");
        }
        Set<String> paths = files.stream().map(file -> sitePath(htdocs, file)).collect(Collectors.toSet());
        List<SiteFile> site = new ArrayList<>(files.size());
        for (Path file : files) {
            String path = sitePath(htdocs, file);
            byte[] bytes = Files.readAllBytes(file);
            List<String> subresources = path.endsWith(".html")
                    ? PageResources.of(new String(bytes, StandardCharsets.UTF_8), path).stream()
                            .filter(paths::contains).toList()
                    : List.of();
            site.add(new SiteFile(path, bytes.length, SiteFile.sha256Of(bytes), subresources));
        }
        return site;
    }

    private static String sitePath(Path htdocs, Path file) {
        return "/" + htdocs.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** Writes {@code site} in the manifest format. */
    public static void write(List<SiteFile> site, Writer out) throws IOException {
        out.write("# Morgana site checksums: path, length, SHA-256, subresources of pages\n");
        for (SiteFile file : site) {
            if (file.path().contains(" ") || file.subresources().stream().anyMatch(s -> s.contains(" "))) {
                throw new IOException("a site path with a space cannot be written to the manifest: " + file.path());
            }
            out.write(file.path() + "\t" + file.length() + "\t" + file.sha256() + "\t"
                    + String.join(" ", file.subresources()) + "\n");
        }
    }

    /** Reads a manifest written by {@link #write}; a malformed line fails with its number. */
    public static List<SiteFile> read(Reader in) throws IOException {
        List<SiteFile> site = new ArrayList<>();
        BufferedReader lines = new BufferedReader(in);
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (site.size() >= MAX_FILES) {
                throw new IOException("manifest has more than " + MAX_FILES + " files");
            }
            String[] fields = line.split("\t", -1);
            try {
                if (fields.length != 4) {
                    throw new IllegalArgumentException("expected 4 tab-separated fields, found " + fields.length);
                }
                List<String> subresources = fields[3].isEmpty() ? List.of() : Arrays.asList(fields[3].split(" "));
                site.add(new SiteFile(fields[0], Long.parseLong(fields[1]), fields[2], subresources));
            } catch (IllegalArgumentException e) {
                throw new IOException("manifest line " + number + ": " + e.getMessage(), e);
            }
        }
        if (site.isEmpty()) {
            throw new IOException("manifest lists no file");
        }
        return List.copyOf(site);
    }

    /** The manifest the build put on the class path. */
    public static List<SiteFile> fromClassPath() {
        try (var stream = ChecksumManifest.class.getResourceAsStream(RESOURCE)) {
            if (stream == null) {
                throw new IOException(RESOURCE + " is not on the class path: build the module with `mvn process-classes`");
            }
            return read(new java.io.InputStreamReader(stream, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code site} indexed by path. */
    public static Map<String, SiteFile> byPath(List<SiteFile> site) {
        return site.stream().collect(Collectors.toUnmodifiableMap(SiteFile::path, Function.identity()));
    }

    /** Usage: {@code ChecksumManifest HTDOCS OUT}: scans the site and writes its manifest to OUT. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ChecksumManifest HTDOCS OUT");
            System.exit(2);
        }
        List<SiteFile> site = scan(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            write(site, writer);
        }
        System.out.println("load-tests: " + site.size() + " site files checksummed into " + out);
    }
}
