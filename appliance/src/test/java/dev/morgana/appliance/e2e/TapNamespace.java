package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace with a random name, created for one test, holding a TAP device
 * {@code tap0} whose kernel end is {@value #KERNEL}/24: an appliance built with {@code TAP=tap0}
 * and {@code IP=10.0.0.2} started here ({@link #startAppliance}) talks to the namespace's kernel
 * over it, and the test's clients run inside with {@link #run}. {@link #close} stops the appliance
 * and removes the namespace (and with it the device). Root only: see {@link #assumeUsable}.
 */
final class TapNamespace implements AutoCloseable {

    /** The kernel's address on tap0. */
    static final String KERNEL = "10.0.0.1";

    final String name;
    private Process appliance;
    private Path log;

    private TapNamespace(String name) {
        this.name = name;
    }

    /**
     * Skips the calling test, printing why, unless this runs as root with /dev/net/tun, ip and
     * every one of {@code tools}.
     *
     * @param what what the test runs, for the message
     */
    static void assumeUsable(String what, String... tools) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean usable = root && Files.exists(Path.of("/dev/net/tun")) && Commands.available("ip")
                && Arrays.stream(tools).allMatch(Commands::available);
        if (!usable) {
            System.out.println("SKIPPED: " + what + " needs root, /dev/net/tun, ip and " + String.join(", ", tools));
        }
        assumeTrue(usable, "needs root and TAP");
    }

    /** Creates the namespace ({@code prefix} and a random suffix) with tap0 up at {@value #KERNEL}/24. */
    static TapNamespace create(String prefix) throws IOException, InterruptedException {
        TapNamespace ns = new TapNamespace(prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)));
        Commands.check(Map.of(), 30, "ip", "netns", "add", ns.name);
        try {
            Commands.check(Map.of(), 30, "ip", "-n", ns.name, "tuntap", "add", "dev", "tap0", "mode", "tap");
            Commands.check(Map.of(), 30, "ip", "-n", ns.name, "addr", "add", KERNEL + "/24", "dev", "tap0");
            Commands.check(Map.of(), 30, "ip", "-n", ns.name, "link", "set", "tap0", "up");
            return ns;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** Starts {@code launcher} inside the namespace, its output going to {@code log}; {@link #close} stops it. */
    void startAppliance(Path launcher, Path log) throws IOException {
        if (appliance != null) {
            throw new IllegalStateException("an appliance already runs in " + name);
        }
        this.log = log;
        appliance = new ProcessBuilder(inside(launcher.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Everything the appliance printed so far. */
    String applianceLog() throws IOException {
        return log != null && Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits up to 60 s for {@code text} in the appliance's log; fails if it does not come or the appliance exits. */
    void awaitLog(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (applianceLog().contains(text)) {
                return;
            }
            if (!appliance.isAlive()) {
                throw new AssertionError("the appliance exited:\n" + applianceLog());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the appliance's log:\n" + applianceLog());
    }

    /** Runs {@code command} inside the namespace, for at most {@code seconds}. */
    Commands.Result run(long seconds, List<String> command) throws IOException, InterruptedException {
        return Commands.run(Map.of(), seconds, inside(command.toArray(String[]::new)));
    }

    /** Runs {@code command} inside the namespace and fails with its output unless it exits with 0. */
    String check(long seconds, String... command) throws IOException, InterruptedException {
        return Commands.check(Map.of(), seconds, inside(command).toArray(String[]::new));
    }

    private List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** Stops the appliance (SIGTERM, then SIGKILL after 15 s) and deletes the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (appliance != null) {
                appliance.destroy();
                if (!appliance.waitFor(15, TimeUnit.SECONDS)) {
                    appliance.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            Commands.run(Map.of(), 30, List.of("ip", "netns", "del", name));
        }
    }
}
