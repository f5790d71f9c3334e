package dev.morgana.appliance.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SystemLibrariesTest {

    private static final Path JDK = Path.of(System.getProperty("java.home"));
    private static Path runtime;

    /** The launcher and the one library it links: a runtime ldd answers for in a moment. */
    @BeforeAll
    static void smallRuntime(@TempDir Path tmp) throws Exception {
        runtime = tmp.resolve("runtime");
        Files.createDirectories(runtime.resolve("bin"));
        Files.createDirectories(runtime.resolve("lib"));
        Files.copy(JDK.resolve("bin/java"), runtime.resolve("bin/java"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(JDK.resolve("lib/libjli.so"), runtime.resolve("lib/libjli.so"), StandardCopyOption.COPY_ATTRIBUTES);
    }
    private static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    @Test
    void findsGlibcAndItsLoaderForTheRuntime() throws Exception {
        SortedSet<String> needed = SystemLibraries.neededBy(runtime);
        assertTrue(needed.stream().anyMatch(p -> p.endsWith("/libc.so.6")), "libc in " + needed);
        assertTrue(needed.stream().anyMatch(p -> p.contains("ld-linux")), "the loader in " + needed);
        assertTrue(needed.stream().noneMatch(p -> p.startsWith(runtime.toString())), "nothing of the runtime itself");
    }

    @Test
    void aLibraryTheBuildMachinePreloadsStaysOutOfTheImage() throws Exception {
        boolean present = Files.isRegularFile(FAKETIME);
        if (!present) {
            System.out.println("SKIPPED: " + FAKETIME + " is missing (make deps installs faketime)");
        }
        assumeTrue(present, "faketime is not installed");
        Map<String, String> clean = new HashMap<>(System.getenv());
        clean.remove("LD_PRELOAD");
        Map<String, String> preloading = new HashMap<>(clean);
        preloading.put("LD_PRELOAD", FAKETIME.toString());
        preloading.put("LD_LIBRARY_PATH", FAKETIME.getParent().toString());

        SortedSet<String> underFaketime = SystemLibraries.neededBy(runtime, preloading);

        assertTrue(underFaketime.stream().noneMatch(p -> p.contains("faketime")), underFaketime.toString());
        assertEquals(SystemLibraries.neededBy(runtime, clean), underFaketime);
    }
}
