package dev.morgana.htdocs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Assembles the example site at build time: a fresh copy of the hand-written pages plus the
 * generated {@link SampleFile}. Run by Maven in the process-classes phase as
 * {@code SiteAssembler SRC_SITE TARGET_HTDOCS}; the output directory is emptied first so files
 * removed from the sources do not linger.
 */
public final class SiteAssembler {

    private SiteAssembler() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SiteAssembler SOURCE_DIR OUTPUT_DIR");
        }
        assemble(Path.of(args[0]), Path.of(args[1]));
    }

    /** Replaces {@code output} with a copy of {@code source} plus the sample file. */
    public static void assemble(Path source, Path output) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new IOException(source + ": not a directory");
        }
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            // Only ever empties a directory it made: one named htdocs under a build directory "target".
            Path parent = output.toAbsolutePath().normalize().getParent();
            if (!output.getFileName().toString().equals("htdocs") || parent == null
                    || !parent.getFileName().toString().equals("target")) {
                throw new IOException(output + ": refusing to replace a directory that is not target/htdocs");
            }
            deleteTree(output);
        }
        copyTree(source, output);
        Path sample = output.resolve(SampleFile.PATH);
        Files.createDirectories(sample.getParent());
        Files.write(sample, SampleFile.bytes());
    }

    private static void copyTree(Path source, Path output) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                Path target = output.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
