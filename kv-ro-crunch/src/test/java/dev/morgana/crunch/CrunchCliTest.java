package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run as the build runs it: a separate JVM. */
@Timeout(60)
class CrunchCliTest {

    @TempDir
    Path temp;

    record Run(int exit, String stdout, String stderr) {}

    @Test
    void crunchesWithSourceDateEpochLikeTheLibraryDoes() throws Exception {
        Path htdocs = temp.resolve("htdocs");
        Sites.writeSample(htdocs);
        Run run = crunch(Map.of("SOURCE_DATE_EPOCH", "1700000000"), htdocs.toString(), temp.resolve("cli.crunch").toString());
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stdout().startsWith("crunch: 11 files in 9 directories"), run.stdout());
        CrunchBuilder.build(htdocs, temp.resolve("lib.crunch"), Instant.ofEpochSecond(1_700_000_000L), line -> {});
        assertArrayEquals(Files.readAllBytes(temp.resolve("lib.crunch")), Files.readAllBytes(temp.resolve("cli.crunch")));
    }

    @Test
    void failuresExitNonZeroWithTheMessage() throws Exception {
        Run usage = crunch(Map.of(), "only-one-argument");
        assertEquals(2, usage.exit());
        assertTrue(usage.stderr().startsWith("usage: "), usage.stderr());
        Run missing = crunch(Map.of(), temp.resolve("none").toString(), temp.resolve("out.crunch").toString());
        assertEquals(1, missing.exit());
        assertEquals("crunch: error: " + temp.resolve("none") + ": not a directory\n", missing.stderr());
        Run badEpoch = crunch(Map.of("SOURCE_DATE_EPOCH", "soon"), temp.toString(), temp.resolve("out.crunch").toString());
        assertEquals(2, badEpoch.exit());
        assertTrue(badEpoch.stderr().contains("SOURCE_DATE_EPOCH"), badEpoch.stderr());
    }

    @Test
    void aJvmWithoutAUtf8LocaleIsToldHowToFixIt() throws Exception {
        Path htdocs = temp.resolve("htdocs");
        Files.createDirectories(htdocs);
        Files.writeString(htdocs.resolve("café.html"), "<p>café</p>");
        Run run = crunch(Map.of("LC_ALL", "C"), htdocs.toString(), temp.resolve("out.crunch").toString());
        assertEquals(1, run.exit(), run.stdout());
        assertTrue(run.stderr().contains("caf%C3%A9.html") && run.stderr().contains("LC_ALL=C.UTF-8"), run.stderr());
    }

    private static Run crunch(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
                System.getProperty("java.class.path"), CrunchBuilder.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("SOURCE_DATE_EPOCH");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        // Outputs are small: read them fully, then wait.
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the crunch command finished");
        return new Run(process.exitValue(), stdout, stderr);
    }
}
