package dev.morgana.appliance.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small class path compiled here: Main uses lib "used" directly, lib "named" only through a
 * Class.forName string, lib "service" through a provider of an interface it reaches, and never
 * touches lib "unused"; "used" also holds a class nothing reaches.
 */
@Timeout(120)
class ClassReachabilityTest {

    @TempDir
    static Path tmp;

    private static Path app;
    private static Path used;
    private static Path named;
    private static Path service;
    private static Path unused;

    @BeforeAll
    static void compile() throws IOException {
        used = jar("used", Map.of(
                "u/Api.java", "package u; public class Api { public static java.util.logging.Logger log() {"
                        + " return java.util.logging.Logger.getLogger(\"x\"); } }",
                "u/Spi.java", "package u; public interface Spi { String name(); }",
                "u/Dead.java", "package u; public class Dead { java.sql.Connection c; }"), List.of(),
                Map.of("u/notes.txt", "kept"));
        named = jar("named", Map.of("n/Plugin.java", "package n; public class Plugin {}"), List.of(), Map.of());
        service = jar("service", Map.of("s/Impl.java", "package s; public class Impl implements u.Spi {"
                + " public String name() { return \"impl\"; } }"), List.of(used),
                Map.of("META-INF/services/u.Spi", "s.Impl\n"));
        unused = jar("unused", Map.of("x/Other.java", "package x; public class Other {}"), List.of(), Map.of());
        app = jar("app", Map.of("Main.java", "public class Main { public static void main(String[] a) throws Exception {"
                + " u.Api.log(); Class.forName(\"n.Plugin\");"
                + " java.util.ServiceLoader.load(u.Spi.class).findFirst(); } }"), List.of(used), Map.of());
    }

    @Test
    void keepsTheJarsMainReachesDirectlyThroughStringsAndThroughServices() throws IOException {
        ClassReachability.Reach reach = ClassReachability.from("Main", List.of(app, named, service, unused, used));

        assertEquals(List.of(app, named, service, used), reach.jars());
        assertEquals(Set.of("u/Api", "u/Spi"), reach.classes().get(used));
        assertNull(reach.classes().get(unused));
    }

    @Test
    void findsTheJdkModulesOfReachedClassesOnly() throws IOException {
        ClassReachability.Reach reach = ClassReachability.from("Main", List.of(app, named, service, unused, used));

        assertTrue(reach.jdkModules().contains("java.logging"), reach.jdkModules().toString());
        assertTrue(reach.jdkModules().contains("java.base"));
        assertFalse(reach.jdkModules().contains("java.sql"), "only the unreached Dead names java.sql");
    }

    @Test
    void shrinkingKeepsReachedClassesAndEveryResourceByteForByte() throws IOException {
        Path copy = tmp.resolve("used-copy.jar");
        Files.copy(used, copy);
        byte[] apiBefore = entry(used, "u/Api.class");

        int removed = JarShrinker.shrink(copy, Set.of("u/Api", "u/Spi"));

        assertEquals(1, removed);
        assertArrayEquals(apiBefore, entry(copy, "u/Api.class"));
        assertNotNull(entry(copy, "u/Spi.class"));
        assertNull(entry(copy, "u/Dead.class"));
        assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), entry(copy, "u/notes.txt"));
        assertFalse(JarShrinker.isSigned(copy));
    }

    private static byte[] entry(Path jar, String name) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var e = file.getEntry(name);
            return e == null ? null : file.getInputStream(e).readAllBytes();
        }
    }

    private static Path jar(String name, Map<String, String> sources, List<Path> classPath,
                            Map<String, String> resources) throws IOException {
        Path src = tmp.resolve(name + "-src");
        Path classes = tmp.resolve(name + "-classes");
        Files.createDirectories(classes);
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "--release", "25"));
        if (!classPath.isEmpty()) {
            args.add("-cp");
            args.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        }
        for (var s : sources.entrySet()) {
            Path file = src.resolve(s.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, status, "javac " + name);
        Map<String, byte[]> entries = new TreeMap<>(DeterministicJar.entriesOf(classes));
        resources.forEach((k, v) -> entries.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Path jar = tmp.resolve(name + ".jar");
        DeterministicJar.write(jar, entries, Set.of());
        return jar;
    }
}
