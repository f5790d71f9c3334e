package dev.morgana.appliance.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three jars merged into the last one, as the build merges an appliance's class path. */
@Timeout(30)
class ClassPathMergerTest {

    @TempDir
    Path tmp;

    private Path jar(String name, Map<String, String> entries) throws IOException {
        Map<String, byte[]> bytes = new TreeMap<>();
        entries.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Path jar = tmp.resolve("lib").resolve(name);
        DeterministicJar.write(jar, bytes, Set.of());
        return jar;
    }

    private List<Path> classPath() throws IOException {
        Path a = jar("a.jar", Map.of("a/A.class", "class A", "shared.txt", "from a",
                "META-INF/services/x.Spi", "a.Impl", "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n",
                "module-info.class", "module a"));
        Path b = jar("b.jar", Map.of("b/B.class", "class B", "shared.txt", "from b",
                "META-INF/services/x.Spi", "b.Impl\n", "META-INF/versions/11/module-info.class", "module b"));
        Map<String, byte[]> app = new TreeMap<>(Map.of("Main.class", "main".getBytes(StandardCharsets.UTF_8),
                "morgana/site.crunch", "store bytes, kept stored".getBytes(StandardCharsets.UTF_8)));
        Path appJar = tmp.resolve("lib").resolve("www-app.jar");
        DeterministicJar.write(appJar, app, Set.of("morgana/site.crunch"));
        return List.of(a, b, appJar);
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        if (e == null) {
            return null;
        }
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void mergedJarAnswersAsTheClassPathDidAndReplacesIt() throws IOException {
        List<Path> classPath = classPath();
        Path merged = classPath.getLast();
        assertEquals(List.of(merged), ClassPathMerger.merge(classPath, merged, ClassPathMerger.Classes.DEFLATED));
        try (var files = Files.list(merged.getParent())) {
            assertEquals(List.of(merged), files.toList(), "the merged jars are gone");
        }
        try (JarFile jar = new JarFile(merged.toFile())) {
            assertEquals("class A", text(jar, "a/A.class"));
            assertEquals("class B", text(jar, "b/B.class"));
            assertEquals("main", text(jar, "Main.class"));
            assertEquals("from a", text(jar, "shared.txt"), "the first jar on the class path wins");
            assertEquals("a.Impl\nb.Impl\n", text(jar, "META-INF/services/x.Spi"), "every jar's providers, in order");
            assertNull(jar.getEntry("module-info.class"));
            assertNull(jar.getEntry("META-INF/versions/11/module-info.class"));
            assertNull(jar.getManifest(), "no input was Multi-Release: no manifest needed");
            assertEquals(ZipEntry.STORED, jar.getEntry("morgana/site.crunch").getMethod(), "the store stays readable in place");
            assertEquals("store bytes, kept stored", text(jar, "morgana/site.crunch"));
            assertEquals(ZipEntry.DEFLATED, jar.getEntry("a/A.class").getMethod());
        }
    }

    @Test
    void storedClassesKeepTheirBytesUncompressed() throws IOException {
        List<Path> classPath = classPath();
        Path merged = classPath.getLast();
        ClassPathMerger.merge(classPath, merged, ClassPathMerger.Classes.STORED);
        try (JarFile jar = new JarFile(merged.toFile())) {
            assertEquals(ZipEntry.STORED, jar.getEntry("a/A.class").getMethod(), "for an image layer to compress whole");
            assertEquals("class A", text(jar, "a/A.class"));
            assertEquals(ZipEntry.STORED, jar.getEntry("morgana/site.crunch").getMethod());
            assertEquals("store bytes, kept stored", text(jar, "morgana/site.crunch"));
        }
    }

    @Test
    void sameInputsGiveTheSameBytes() throws IOException {
        List<Path> classPath = classPath();
        ClassPathMerger.merge(classPath, classPath.getLast(), ClassPathMerger.Classes.DEFLATED);
        byte[] first = Files.readAllBytes(classPath.getLast());
        ClassPathMerger.merge(classPath(), classPath.getLast(), ClassPathMerger.Classes.DEFLATED);
        assertArrayEquals(first, Files.readAllBytes(classPath.getLast()));
    }

    @Test
    void multiReleaseInputMakesAMultiReleaseJar() throws IOException {
        Path mr = jar("mr.jar", Map.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n",
                "m/M.class", "base", "META-INF/versions/21/m/M.class", "for 21"));
        Path app = jar("app.jar", Map.of("Main.class", "main"));
        ClassPathMerger.merge(List.of(mr, app), app, ClassPathMerger.Classes.DEFLATED);
        try (JarFile jar = new JarFile(app.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            assertTrue(jar.isMultiRelease());
            assertEquals("for 21", text(jar, "m/M.class"), "the versioned class is served on this runtime");
        }
        assertFalse(Files.exists(mr));
    }

    @Test
    void signedJarsAreMergedWithoutTheirSignatures() throws IOException {
        Path signed = jar("signed.jar", Map.of("s/S.class", "signed", "META-INF/SIGNER.SF", "sig",
                "META-INF/SIGNER.RSA", "block", "META-INF/LICENSE.txt", "licence"));
        Path app = jar("app.jar", Map.of("Main.class", "main"));
        assertEquals(List.of(app), ClassPathMerger.merge(List.of(signed, app), app, ClassPathMerger.Classes.DEFLATED));
        assertFalse(Files.exists(signed));
        try (JarFile jar = new JarFile(app.toFile())) {
            assertEquals("signed", text(jar, "s/S.class"));
            assertEquals("licence", text(jar, "META-INF/LICENSE.txt"));
            assertNull(jar.getEntry("META-INF/SIGNER.SF"));
            assertNull(jar.getEntry("META-INF/SIGNER.RSA"));
        }
        assertFalse(JarShrinker.isSigned(app));
    }
}
