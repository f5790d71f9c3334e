package dev.morgana.appliance.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures start-up as a user sees it: from starting the launcher to the first 200 response,
 * over several runs, with the appliance's AOT cache and without it (the cache file is moved
 * aside for those runs). Prints a markdown table. Next to the wall time it reports the CPU
 * time the appliance's process had used when the 200 arrived (all its threads: the JIT's too),
 * which a busy machine disturbs far less than the wall time.
 *
 * <pre>java ... StartupBench build/www 8080 [runs]</pre>
 */
public final class StartupBench {

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StartupBench APPLIANCE_DIR PORT [RUNS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String name = dir.getFileName().toString();
        Path launcher = dir.resolve("bin").resolve(name);
        Path cache = dir.resolve("cache").resolve(name + ".aot");
        Path aside = dir.resolve("cache").resolve(name + ".aot.aside");

        List<Sample> withCache = new ArrayList<>();
        List<Sample> without = new ArrayList<>();
        boolean hasCache = Files.isRegularFile(cache);
        for (int i = 0; i < runs; i++) {
            if (hasCache) {
                withCache.add(once(launcher, port));
                Files.move(cache, aside);
                try {
                    without.add(once(launcher, port));
                } finally {
                    Files.move(aside, cache);
                }
            } else {
                without.add(once(launcher, port));
            }
        }
        System.out.println("| start-up to first 200 (" + runs + " runs) | median ms | min ms | max ms | median CPU ms |");
        System.out.println("|---|---|---|---|---|");
        row("without AOT cache", without);
        if (hasCache) {
            row("with AOT cache (make build's training run)", withCache);
        }
    }

    /** One start: wall nanoseconds to the first 200, and the process's CPU nanoseconds then (-1 if unknown). */
    private record Sample(long wallNanos, long cpuNanos) {}

    private static void row(String label, List<Sample> samples) {
        List<Long> sorted = samples.stream().map(Sample::wallNanos).sorted().toList();
        List<Long> cpu = samples.stream().map(Sample::cpuNanos).sorted().toList();
        long cpuMedian = cpu.get(cpu.size() / 2);
        System.out.printf("| %s | %d | %d | %d | %s |%n", label, sorted.get(sorted.size() / 2) / 1_000_000,
                sorted.getFirst() / 1_000_000, sorted.getLast() / 1_000_000,
                cpuMedian < 0 ? "?" : Long.toString(cpuMedian / 1_000_000));
    }

    /** Starts the appliance, polls until it answers 200, returns the elapsed and CPU time, stops it. */
    private static Sample once(Path launcher, int port) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(launcher.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the appliance exited with status " + process.exitValue());
                }
                if (answers200(port)) {
                    long wall = System.nanoTime() - start;
                    // The launcher execs the JVM, so the process is the appliance itself.
                    long cpu = process.toHandle().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
                    return new Sample(wall, cpu);
                }
                Thread.onSpinWait();
            }
            throw new IOException("no 200 within 60 s");
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static boolean answers200(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException notYet) {
            return false;
        }
    }
}
