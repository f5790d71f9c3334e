package dev.morgana.appliance.packaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RuntimeLinkerTest {

    @TempDir
    Path tmp;

    @Test
    void aModuleTheSmallJdkLacksIsRefusedByNameBeforeJlinkRuns() throws IOException {
        Path jmods = Files.createDirectories(tmp.resolve("jmods"));
        Files.write(jmods.resolve("java.base.jmod"), new byte[] {0});
        // a jlink that does not exist: the check must come first
        JavaModules small = new JavaModules("small-test", tmp.resolve("no-jlink"), jmods);
        RuntimeLinker linker = new RuntimeLinker(tmp.resolve("runtimes"), small, line -> {});
        IOException refused = assertThrows(IOException.class,
                () -> linker.link(new TreeSet<>(List.of("java.base", "java.logging"))));
        assertTrue(refused.getMessage().contains("java.logging") && refused.getMessage().contains("JVM=jdk"),
                refused.getMessage());
        assertFalse(Files.exists(tmp.resolve("runtimes")), "nothing was linked");
    }
}
