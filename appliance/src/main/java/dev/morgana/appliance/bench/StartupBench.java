package dev.morgana.appliance.bench;

import dev.morgana.appliance.packaging.PemTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Measures start-up as a user sees it: from starting the launcher to the first 200 response,
 * over several runs, with the appliance's AOT cache and without it (the cache file is moved
 * aside for those runs). Prints a markdown table. Next to the wall time it reports the CPU
 * time the appliance's process had used when the 200 arrived (all its threads: the JIT's too),
 * which a busy machine disturbs far less than the wall time, split into the JIT compilers'
 * threads and the others (JVM start, main, the jobs, the first request: the path to the 200).
 * The load average before and after is printed too: wall times mean little on a busy machine.
 *
 * <p>With {@code --tls} the port is the appliance's HTTPS port, and each poll is a TLS handshake
 * and a request, trusting the certificate the appliance ships in {@code data/tls/cert.pem}: the
 * time to the first 200 over HTTPS.
 *
 * <pre>java ... StartupBench build/www 8080 [runs] [--tls]</pre>
 */
public final class StartupBench {

    /** Pause between two attempts to connect: the resolution of the wall time. */
    private static final long POLL_NANOS = 500_000;

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StartupBench APPLIANCE_DIR PORT [RUNS] [--tls]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        SocketFactory sockets = args.length > 3 && args[3].equals("--tls")
                ? trusting(dir.resolve("data").resolve("tls").resolve("cert.pem"))
                : SocketFactory.getDefault();
        String name = dir.getFileName().toString();
        Path launcher = dir.resolve("bin").resolve(name);
        Path cache = dir.resolve("cache").resolve(name + ".aot");
        Path aside = dir.resolve("cache").resolve(name + ".aot.aside");

        System.out.println("load average before: " + loadAverage());
        List<Sample> withCache = new ArrayList<>();
        List<Sample> without = new ArrayList<>();
        boolean hasCache = Files.isRegularFile(cache);
        for (int i = 0; i < runs; i++) {
            if (hasCache) {
                withCache.add(once(launcher, port, sockets));
                Files.move(cache, aside);
                try {
                    without.add(once(launcher, port, sockets));
                } finally {
                    Files.move(aside, cache);
                }
            } else {
                without.add(once(launcher, port, sockets));
            }
        }
        System.out.println("load average after: " + loadAverage());
        System.out.println("| start-up to first 200 (" + runs + " runs) | median ms | min ms | max ms | median CPU ms"
                + " | median CPU ms, JIT threads | median CPU ms, other threads |");
        System.out.println("|---|---|---|---|---|---|---|");
        row("without AOT cache", without);
        if (hasCache) {
            row("with AOT cache (make build's training run)", withCache);
        }
    }

    /**
     * One start: wall nanoseconds to the first 200, and the CPU nanoseconds the process had used
     * then (-1 if unknown): in all, and by its live threads, JIT compilers and others.
     */
    private record Sample(long wallNanos, long cpuNanos, ThreadCpu threads) {}

    private static void row(String label, List<Sample> samples) {
        List<Long> sorted = samples.stream().map(Sample::wallNanos).sorted().toList();
        System.out.printf("| %s | %d | %d | %d | %s | %s | %s |%n", label, sorted.get(sorted.size() / 2) / 1_000_000,
                sorted.getFirst() / 1_000_000, sorted.getLast() / 1_000_000,
                medianMillis(samples.stream().map(Sample::cpuNanos).toList()),
                medianMillis(samples.stream().map(s -> s.threads().jitNanos()).toList()),
                medianMillis(samples.stream().map(s -> s.threads().otherNanos()).toList()));
    }

    private static String medianMillis(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        return median < 0 ? "?" : Long.toString(median / 1_000_000);
    }

    /** CPU nanoseconds of a process's live threads: the JIT compilers' and the others'; -1 if unknown. */
    record ThreadCpu(long jitNanos, long otherNanos) {
        static final ThreadCpu UNKNOWN = new ThreadCpu(-1, -1);

        /** Reads /proc/PID/task/TID/{comm,schedstat} (Linux; the first schedstat field is the run time in ns). */
        static ThreadCpu of(long pid) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            long jit = 0;
            long other = 0;
            try (var threads = Files.list(tasks)) {
                for (Path task : threads.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        String schedstat = Files.readString(task.resolve("schedstat")).strip();
                        long nanos = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                        if (isJitThread(name)) {
                            jit += nanos;
                        } else {
                            other += nanos;
                        }
                    } catch (IOException | RuntimeException threadEnded) {
                        // a thread that ended meanwhile: its time is in the process's total only
                    }
                }
            } catch (IOException | RuntimeException e) {
                return UNKNOWN;
            }
            return new ThreadCpu(jit, other);
        }

        /**
         * Whether a thread's kernel name ({@code comm}, at most 15 characters) is a JIT
         * compiler's, C1's or C2's. HotSpot names them "C1 CompilerThread0", "C2 ..."; the kernel
         * keeps 15 characters, which JDK 25 cuts to "C1 CompilerThre" and JDK 26 (the small JDK)
         * abbreviates to "C1 Comp..hread0", so only the common start is compared.
         */
        static boolean isJitThread(String comm) {
            return comm.startsWith("C1 Comp") || comm.startsWith("C2 Comp");
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Starts the appliance, polls until it answers 200, returns the elapsed and CPU time, stops it. */
    private static Sample once(Path launcher, int port, SocketFactory sockets) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(launcher.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the appliance exited with status " + process.exitValue());
                }
                if (answers200(port, sockets)) {
                    long wall = System.nanoTime() - start;
                    // The launcher execs the JVM, so the process is the appliance itself.
                    ThreadCpu threads = ThreadCpu.of(process.pid());
                    long cpu = process.toHandle().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
                    return new Sample(wall, cpu, threads);
                }
                // Not a busy spin: on a 2-core machine it would take a core from the appliance.
                LockSupport.parkNanos(POLL_NANOS);
            }
            throw new IOException("no 200 within 60 s");
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** TLS sockets that trust only the certificates in {@code certificate} (PEM). */
    private static SocketFactory trusting(Path certificate) throws IOException, GeneralSecurityException {
        return PemTrust.trusting(certificate).getSocketFactory();
    }

    private static boolean answers200(int port, SocketFactory sockets) {
        try (Socket socket = sockets.createSocket()) {
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
