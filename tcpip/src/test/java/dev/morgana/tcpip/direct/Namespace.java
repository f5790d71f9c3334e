package dev.morgana.tcpip.direct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Linux network namespace created for one test class (random name) and removed by
 * {@link #close}, with helpers to run bounded commands as root. Test-only.
 */
final class Namespace implements AutoCloseable {

    /** What a command printed and how it ended. */
    record Result(int exit, String out) {}

    final String name;
    private final List<String> tapsInside = new ArrayList<>();

    private Namespace(String name) {
        this.name = name;
    }

    /** Why namespace tests cannot run here, or null if they can. */
    static String unavailableReason() {
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun on this machine";
        }
        try {
            Result id = run(10, "id", "-u");
            if (!id.out.trim().equals("0")) {
                return "not root (uid " + id.out.trim() + "): cannot create network namespaces and TAP devices";
            }
            if (run(10, "ip", "-V").exit != 0) {
                return "iproute2's ip is not installed";
            }
        } catch (IOException e) {
            return "cannot run commands: " + e.getMessage();
        }
        return null;
    }

    /**
     * Skips the calling test, printing why, unless {@link #unavailableReason} finds nothing missing
     * and every command in {@code tools} is installed.
     */
    static void assumeUsable(Class<?> test, String... tools) throws IOException {
        String reason = unavailableReason();
        if (reason == null) {
            List<String> missing = new ArrayList<>();
            for (String tool : tools) {
                if (!installed(tool)) {
                    missing.add(tool);
                }
            }
            if (!missing.isEmpty()) {
                reason = String.join(" and ", missing) + " not installed (scripts/deps.sh installs the test tools)";
            }
        }
        if (reason != null) {
            System.out.println(test.getSimpleName() + " skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** True if {@code tool} is a command here. */
    static boolean installed(String tool) throws IOException {
        return run(5, "sh", "-c", "command -v " + tool).exit == 0;
    }

    static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    static Namespace create() throws IOException {
        Namespace ns = new Namespace("morgana-test-" + randomSuffix());
        ns.check(run(10, "ip", "netns", "add", ns.name));
        try {
            ns.check(run(10, "ip", "-n", ns.name, "link", "set", "lo", "up"));
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Creates a persistent TAP device in the root namespace; {@link #adopt} moves it inside. */
    static String createTap() throws IOException {
        String tap = "mgt" + randomSuffix();
        Result r = run(10, "ip", "tuntap", "add", "dev", tap, "mode", "tap");
        if (r.exit != 0) {
            throw new IOException("ip tuntap add " + tap + " failed: " + r.out);
        }
        return tap;
    }

    /** Moves {@code tap} (already opened by the stack) into the namespace and gives it {@code cidr}. */
    void adopt(String tap, String cidr) throws IOException {
        check(run(10, "ip", "link", "set", tap, "netns", name));
        tapsInside.add(tap);
        check(run(10, "ip", "-n", name, "addr", "add", cidr, "dev", tap));
        check(run(10, "ip", "-n", name, "link", "set", tap, "up"));
    }

    /** The file that names this namespace, for setns(2). */
    Path path() {
        return Path.of("/var/run/netns", name);
    }

    /** Runs {@code command} inside the namespace, for at most {@code seconds}. */
    Result exec(int seconds, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(seconds, full.toArray(String[]::new));
    }

    /** Starts {@code command} inside the namespace; the caller must destroy it. */
    Process start(Path output, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    static Result run(int seconds, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + seconds + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
    }

    private void check(Result r) throws IOException {
        if (r.exit != 0) {
            throw new IOException("namespace " + name + " setup failed (" + r.exit + "): " + r.out);
        }
    }

    /** Deletes the TAP devices and the namespace; never throws. */
    @Override
    public void close() {
        for (String tap : tapsInside) {
            quietly("ip", "-n", name, "link", "del", tap);
        }
        quietly("ip", "netns", "del", name);
    }

    /** Deletes a TAP device left in the root namespace (when setup failed before adopting it). */
    static void deleteTap(String tap) {
        quietly("ip", "link", "del", tap);
    }

    private static void quietly(String... command) {
        try {
            run(10, command);
        } catch (IOException e) {
            // Best effort: cleanup must go on with the next step.
        }
    }
}
