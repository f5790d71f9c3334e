package dev.morgana.appliance.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs git in one working directory; every call is bounded in time and fails loudly. */
final class Git {

    /** Used when the machine has no git identity (CI), so commits never fail for want of one. */
    private static final List<String> IDENTITY = List.of(
            "-c", "user.name=Morgana deploy", "-c", "user.email=deploy@morgana.invalid");

    private final Path directory;

    Git(Path directory) {
        this.directory = directory;
    }

    /** Runs {@code git args...} and returns its standard output, or throws with its error output. */
    String run(String... args) throws IOException {
        Result result = tryRun(args);
        if (result.status() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed in " + directory + ":\n" + result.output().strip());
        }
        return result.output();
    }

    /** The outcome of a git command that may fail. */
    record Result(int status, String output) {}

    Result tryRun(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("git");
        if (!hasIdentity()) {
            command.addAll(IDENTITY);
        }
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(process.exitValue(), out);
    }

    private Boolean identity;

    private boolean hasIdentity() throws IOException {
        if (identity == null) {
            Process p = new ProcessBuilder("git", "config", "user.email").directory(directory.toFile())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            try {
                identity = p.waitFor() == 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                identity = false;
            }
        }
        return identity;
    }
}
