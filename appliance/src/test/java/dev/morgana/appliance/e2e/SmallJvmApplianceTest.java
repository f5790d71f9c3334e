package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.morgana.appliance.build.ApplianceBuilder;
import dev.morgana.appliance.codegen.Configure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
            ArtefactChecks.awaitListening(port, process, log);
            ArtefactChecks.assertServesSampleFiles(port);
        } finally {
            ArtefactChecks.stop(process);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(output.contains("AOT cache") && output.contains("rror"), output);
    }
}
