package dev.morgana.appliance.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external tools (podman, skopeo, umoci) with a time bound, for tests. */
final class Commands {

    private Commands() {}

    /** The result of one command. */
    record Result(int status, String output) {}

    /** True if {@code tool} is on the PATH. */
    static boolean available(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command}, failing the test if it does not end within {@code seconds}. */
    static Result run(Map<String, String> environment, long seconds, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path log = Files.createTempFile("morgana-cmd", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + seconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs {@code command} and fails with its output unless it exits with 0. */
    static String check(Map<String, String> environment, long seconds, String... command) throws IOException, InterruptedException {
        Result result = run(environment, seconds, List.of(command));
        if (result.status() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + result.status() + ":\n" + result.output());
        }
        return result.output();
    }
}
