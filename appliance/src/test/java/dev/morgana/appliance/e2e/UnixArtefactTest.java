package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
            waitForPort(port, process, log);
            String firstLine = Files.readAllLines(log).getFirst().strip();
            assertEquals("0", firstLine, "no JDK is visible to the appliance");
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/index.html", "/css/site.css", "/downloads/sample-4MiB.bin")) {
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), path);
                assertArrayEquals(Files.readAllBytes(Project.HTDOCS.resolve(path.substring(1))), r.body(), path);
            }
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        assertFalse(process.isAlive());
    }

    private static void waitForPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the appliance exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the appliance did not listen on " + port + ": " + Files.readString(log));
    }
}
