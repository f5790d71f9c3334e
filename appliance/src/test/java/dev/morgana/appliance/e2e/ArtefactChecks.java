package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the tests that start a built artefact's launcher themselves check and wait for. */
final class ArtefactChecks {

    /** A page, a stylesheet and the 4 MiB sample: small, text and streamed bodies. */
    static final List<String> SAMPLE_PATHS = List.of("/index.html", "/css/site.css", "/downloads/sample-4MiB.bin");

    private ArtefactChecks() {}

    /** Waits up to 120 s for a listener on {@code port}; fails with the log if the process exits. */
    static void awaitListening(int port, Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the appliance exited (" + process.exitValue() + "):\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the appliance did not listen on " + port + " within 120 s:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Fetches {@link #SAMPLE_PATHS} and compares each body with the site's file, byte for byte. */
    static void assertServesSampleFiles(int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : SAMPLE_PATHS) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), path);
            assertArrayEquals(Files.readAllBytes(Project.HTDOCS.resolve(path.substring(1))), r.body(), path);
        }
    }

    /** Stops the process: politely, then by force after 15 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
