package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unix artefact is self-contained: unpacked from its .tar.gz somewhere else, it serves the
 * site with an empty environment (no JAVA_HOME, no JDK on PATH) and with every JDK of the
 * machine hidden behind an empty mount in a private mount namespace.
 */
@Timeout(600)
class UnixArtefactTest {

    @TempDir
    static Path tmp;

    @Test
    void unpackedTarballServesTheSiteWithEveryJdkHidden() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Commands.available("unshare")) {
            System.out.println("SKIPPED: hiding the JDKs needs root and unshare (util-linux)");
        }
        assumeTrue(root && Commands.available("unshare"), "needs root and unshare");

        int port = RunningAppliance.freePort();
        Project.configureAndBuild("www", tmp.resolve("www"), Map.of("PORT", Integer.toString(port)));
        Path unpacked = tmp.resolve("elsewhere");
        Files.createDirectories(unpacked);
        Commands.check(Map.of(), 120, "tar", "-xzf", tmp.resolve("www.tar.gz").toString(), "-C", unpacked.toString());
        Path launcher = unpacked.resolve("www/bin/www");
        assertTrue(Files.isExecutable(launcher));

        // A private mount namespace where /usr/lib/jvm is an empty tmpfs: no JDK exists for the appliance.
        String script = "mount -t tmpfs none /usr/lib/jvm && ls /usr/lib/jvm | wc -l && exec env -i PATH=/usr/bin:/bin " + launcher;
        Path log = tmp.resolve("appliance.log");
        Process process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            ArtefactChecks.awaitListening(port, process, log);
            String firstLine = Files.readAllLines(log).getFirst().strip();
            assertEquals("0", firstLine, "no JDK is visible to the appliance");
            ArtefactChecks.assertServesSampleFiles(port);
        } finally {
            ArtefactChecks.stop(process);
        }
        assertFalse(process.isAlive());
    }
}
