package dev.morgana.crunch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Small sites written into temporary directories for the tests. */
final class Sites {

    static final Instant MODIFIED = Instant.parse("2026-03-04T05:06:07Z");

    private Sites() {}

    /**
     * A site with nested directories, text and binary files, an empty file, an empty directory
     * and non-ASCII names. Returns every file's key and bytes.
     */
    static Map<String, byte[]> writeSample(Path htdocs) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("index.html", utf8("<!DOCTYPE html>\n<title>Hi</title>\n" + "<p>hello, world</p>\n".repeat(40)));
        files.put("a.txt", utf8("a text file\n"));
        files.put("a/b.css", utf8("body { margin: 0 }\n".repeat(30)));
        files.put("a/deeper/still/page.html", utf8("<p>deep</p>\n".repeat(50)));
        files.put("empty.txt", new byte[0]);
        files.put("images/noise.png", random(3000, 7));
        files.put("data/blob.bin", random(70_000, 8));
        files.put("data/zeros.bin", new byte[50_000]);
        files.put("café/naïve résumé.html", utf8("<p>unicode names</p>\n".repeat(20)));
        files.put("日本語/ファイル.txt", utf8("日本語のテキスト\n".repeat(20)));
        files.put("emoji-\uD83D\uDE00.txt", utf8("smile\n"));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = htdocs.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        Files.createDirectories(htdocs.resolve("empty-dir"));
        return files;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Every regular file and directory under {@code dir}, deepest first, for cleanup. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(paths.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
