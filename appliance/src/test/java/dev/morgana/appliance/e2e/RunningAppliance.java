package dev.morgana.appliance.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A built appliance started as a separate process, as a user would run it. Its output goes to
 * a log file (a pipe can lose the last lines when the JDK drains it at process exit), read for
 * assertions and failure messages. Closing stops it with SIGTERM.
 */
final class RunningAppliance implements AutoCloseable {

    private final Process process;
    private final Path log;

    private RunningAppliance(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code launcher} and waits until it accepts TCP connections on {@code port}. */
    static RunningAppliance start(Path launcher, int port, Duration timeout) throws IOException, InterruptedException {
        Path log = launcher.getParent().getParent().resolve("appliance.log");
        Process process = new ProcessBuilder(launcher.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RunningAppliance running = new RunningAppliance(process, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("appliance exited with status " + process.exitValue() + ":\n" + running.output());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return running;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        running.close();
        throw new IOException("appliance did not listen on port " + port + " within " + timeout + ":\n" + running.output());
    }

    /** Waits until something accepts TCP connections on {@code port} (a second listener of the appliance). */
    static void awaitPort(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on port " + port + " after " + timeout, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Everything the appliance printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the appliance with SIGTERM and returns its exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
