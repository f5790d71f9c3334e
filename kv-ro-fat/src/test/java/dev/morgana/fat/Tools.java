package dev.morgana.fat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the independent FAT tools (dosfstools, mtools) the tests validate against. */
final class Tools {

    private Tools() {}

    /** What a tool printed and returned. */
    record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Skips the calling test, printing why, if {@code command} is not installed. */
    static void require(String command) {
        boolean found = find(command) != null;
        if (!found) {
            System.out.println("SKIP: " + command + " not installed (scripts/deps.sh installs it as root)");
        }
        assumeTrue(found, command + " not installed");
    }

    private static Path find(String command) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static Run run(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Path exe = find(cmd.getFirst());
        if (exe != null) {
            cmd.set(0, exe.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("MTOOLS_SKIP_CHECK", "1");
        env.put("LC_ALL", "C.UTF-8");
        env.put("TZ", "UTC"); // mtools converts FAT times with the local zone; FatKvRo reads them as UTC
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        drain.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process died; its exit code tells the story
        }
    }
}
