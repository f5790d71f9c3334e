package dev.morgana.fat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Sample sites for the tests: key to content. */
final class Sites {

    private Sites() {}

    /** A small site with long names, nested directories, odd characters, empty and multi-cluster files. */
    static Map<String, byte[]> sample() {
        Map<String, byte[]> site = new TreeMap<>();
        site.put("index.html", "<!doctype html><title>Morgana</title>\n".getBytes(StandardCharsets.UTF_8));
        site.put("style.css", "body { color: #333 }\n".getBytes(StandardCharsets.UTF_8));
        site.put("empty.txt", new byte[0]);
        site.put("docs/getting-started-with-a-rather-long-file-name.html", text(5000, 1));
        site.put("docs/api/Reference Manual (v2) [draft];final=yes+more.HTML", text(777, 2));
        site.put("docs/api/deep/deeper/deepest/leaf.json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        site.put("img/logo.PNG", random(70_000, 3));
        site.put("img/ünïcödé-名前.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));
        site.put("big/blob.bin", random(300_000, 4));
        site.put("a.b.c.d", random(512, 5));
        site.put("noextension", random(2048, 6));
        site.put(".hidden", "dot file\n".getBytes(StandardCharsets.UTF_8));
        return site;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] text(int n, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + r.nextInt(26));
        }
        return b;
    }

    /** Writes {@code site} under {@code dir}. */
    static Path write(Path dir, Map<String, byte[]> site) throws IOException {
        for (Map.Entry<String, byte[]> e : site.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return dir;
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
