package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.morgana.appliance.build.ApplianceBuilder;
import dev.morgana.appliance.codegen.Configure;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appliance on Morgana's small JVM ({@code make test-small-jvm} sets MORGANA_JVM=small; the
 * other appliance tests then run on it too): its runtime holds the small HotSpot, not the
 * build JDK's server VM; the AOT training run works on it and the appliance really uses the
 * cache it wrote; it serves the site byte for byte.
 */
@Timeout(600)
class SmallJvmApplianceTest {

    @TempDir
    static Path tmp;

    @Test
    void theSmallJvmRunsTheAppliancesAotCacheAndServesTheSite() throws Exception {
        String jvm = System.getenv().getOrDefault("MORGANA_JVM", "");
        if (!jvm.startsWith("small")) {
            System.out.println("SKIPPED: MORGANA_JVM is not small (make test-small-jvm sets it)");
        }
        assumeTrue(jvm.startsWith("small"), "runs under make test-small-jvm");

        int port = RunningAppliance.freePort();
        Path out = tmp.resolve("www");
        Configure.run(Project.ROOT, "www", out, Map.of("PORT", Integer.toString(port)), name -> null);
        ApplianceBuilder.build(Project.ROOT, out, ApplianceBuilder.DEFAULT_EPOCH, true, line -> {});

        Path runtime = out.resolve("runtime");
        Path libjvm = runtime.resolve("lib/server/libjvm.so");
        Path buildJdkLibjvm = Path.of(System.getProperty("java.home"), "lib/server/libjvm.so");
        assertTrue(Files.size(libjvm) < Files.size(buildJdkLibjvm) * 2 / 3,
                "the small VM (" + Files.size(libjvm) + " bytes) against " + buildJdkLibjvm);
        String java = runtime.resolve("bin/java").toString();
        String version = Commands.check(Map.of(), 60, java, "-version");
        assertTrue(version.contains("morgana"), version);
        Commands.Result parallel = Commands.run(Map.of(), 60, List.of(java, "-XX:+UseParallelGC", "-version"));
        assertNotEquals(0, parallel.status(), "the parallel collector is not built into the small VM:\n" + parallel.output());

        Path cache = out.resolve("cache/www.aot");
        assertTrue(Files.isRegularFile(cache) && Files.size(cache) > 0, "the training run wrote an AOT cache");

        // AOTMode=on: the JVM refuses to start rather than run without the cache it was given.
        Path log = tmp.resolve("appliance.log");
        ProcessBuilder builder = new ProcessBuilder(out.resolve("bin/www").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on");
        Process process = builder.start();
        try {
            awaitPort(port, process, log);
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
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(output.contains("AOT cache") && output.contains("rror"), output);
    }

    private static void awaitPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the appliance exited (" + process.exitValue() + "):\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the appliance did not listen within 120 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
}
