package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class VmRuntimeTest {

    @TempDir
    Path tmp;

    /** A runtime folder whose libjvm.so is a real ELF file with symbols (strip must accept it). */
    private Path fakeRuntime(String modules) throws IOException {
        Path runtime = tmp.resolve("runtime");
        Files.createDirectories(runtime.resolve("bin"));
        Files.createDirectories(runtime.resolve("lib/server"));
        Files.writeString(runtime.resolve("bin/java"), "#!java\n");
        runtime.resolve("bin/java").toFile().setExecutable(true);
        Files.writeString(runtime.resolve("lib/modules"), modules);
        Files.writeString(runtime.resolve("lib/server/classes.jsa"), "cds archive");
        Files.writeString(runtime.resolve("release"), "MODULES=\"java.base\"\n");
        Files.copy(Path.of("/bin/true"), runtime.resolve("lib/server/libjvm.so"));
        return runtime;
    }

    @Test
    void theVmRuntimeIsTheAppliancesWithoutCdsArchivesAndIsCachedByContent() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strip")), "strip (binutils) is needed; make deps installs it");
        assumeTrue(Files.isRegularFile(Path.of("/bin/true")), "needs an ELF file to strip");
        Path runtime = fakeRuntime("jimage bytes");
        Path cache = tmp.resolve("cache");
        Path prepared = VmRuntime.prepare(runtime, cache, line -> {});
        assertArrayEquals(Files.readAllBytes(runtime.resolve("lib/modules")), Files.readAllBytes(prepared.resolve("lib/modules")));
        assertArrayEquals(Files.readAllBytes(runtime.resolve("release")), Files.readAllBytes(prepared.resolve("release")));
        assertTrue(Files.isExecutable(prepared.resolve("bin/java")), "modes are kept");
        assertFalse(Files.exists(prepared.resolve("lib/server/classes.jsa")), "no CDS archive in RAM");
        assertTrue(Files.size(prepared.resolve("lib/server/libjvm.so")) <= Files.size(runtime.resolve("lib/server/libjvm.so")));
        assertEquals(prepared, VmRuntime.prepare(runtime, cache, line -> { throw new AssertionError("cached: " + line); }));

        Files.writeString(runtime.resolve("lib/modules"), "other jimage bytes");
        assertNotEquals(prepared, VmRuntime.prepare(runtime, cache, line -> {}), "new bytes, new runtime");
    }

    @Test
    void aFolderWithoutJavaIsRefusedWithItsPath() {
        IOException e = assertThrows(IOException.class, () -> VmRuntime.prepare(tmp, tmp.resolve("cache"), line -> {}));
        assertTrue(e.getMessage().contains(tmp + " is no Java runtime"), e.getMessage());
    }
}
