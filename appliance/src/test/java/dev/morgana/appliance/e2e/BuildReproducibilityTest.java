package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `make configure` then `make build`, twice: the crunch store, every jar, the tarball and the OCI image are byte-identical. */
@Timeout(600)
class BuildReproducibilityTest {

    @TempDir
    Path tmp;

    @Test
    void twoBuildsGiveByteIdenticalStoreAndJars() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Project.configureAndBuild("www", a, Map.of("TARGET", "docker"));
        Project.configureAndBuild("www", b, Map.of("TARGET", "docker"));

        assertArrayEquals(Files.readAllBytes(a.resolve("work/htdocs.crunch")), Files.readAllBytes(b.resolve("work/htdocs.crunch")),
                "crunch store");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.tar.gz")), Files.readAllBytes(tmp.resolve("b.tar.gz")),
                "unix tarball");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a-oci.tar")), Files.readAllBytes(tmp.resolve("b-oci.tar")),
                "OCI image archive");
        List<String> libA = list(a.resolve("lib"));
        assertEquals(libA, list(b.resolve("lib")));
        for (String jar : libA) {
            assertArrayEquals(Files.readAllBytes(a.resolve("lib").resolve(jar)), Files.readAllBytes(b.resolve("lib").resolve(jar)), jar);
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("src/Main.java")), Files.readAllBytes(b.resolve("src/Main.java")));
    }

    private static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
