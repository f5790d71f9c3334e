package dev.morgana.xen.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's default class data sharing archive ({@code lib/server/classes.jsa}), dumped by
 * the runtime itself with the appliance's JVM options (jlink does not write one). It goes into
 * the image only; the linked runtime, shared with other builds, is left untouched.
 */
final class ClassDataArchive {

    private static final long DUMP_SECONDS = 120;

    private ClassDataArchive() {}

    /** Dumps the archive to {@code archive} and returns it. */
    static Path dump(Path runtime, List<String> jvmOptions, Path archive) throws IOException {
        Files.deleteIfExists(archive);
        List<String> command = new ArrayList<>();
        command.add(runtime.resolve("bin/java").toString());
        command.addAll(jvmOptions.stream().filter(o -> o.startsWith("-XX:+Use") && o.endsWith("GC")).toList());
        command.addAll(List.of("-Xshare:dump", "-XX:SharedArchiveFile=" + archive, "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(DUMP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("CDS dump did not finish within " + DUMP_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the CDS dump", e);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(archive)) {
            throw new IOException("CDS dump failed: " + String.join(" ", command) + "\n" + out);
        }
        return archive;
    }
}
