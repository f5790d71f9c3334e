package dev.morgana.appliance.packaging;

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
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Builds the JDK's AOT cache for an appliance with a short training run: start it, send it a
 * request if it listens on a port, stop it; the JVM then writes the classes it loaded, already
 * parsed and linked, into a cache that later starts read. The cache is not reproducible (it
 * records a run), so it is kept out of the tarball, in {@code cache/}.
 */
public final class AotTrainer {

    private static final long START_TIMEOUT_NANOS = 60_000_000_000L;

    private AotTrainer() {}

    /**
     * @param out the built appliance folder (runtime/, lib/)
     * @param name the appliance's name
     * @param command the JVM options, class path and main class, as the launcher runs them from {@code out}
     * @param port the port the appliance listens on, or 0 if none
     * @return the cache file, or null if training failed (the appliance then starts without one)
     */
    public static Path train(Path out, String name, List<String> command, int port, Consumer<String> progress)
            throws IOException {
        return train(out, name, command, port, 0, progress);
    }

    /**
     * Like {@link #train(Path, String, List, int, Consumer)}; with a {@code tlsPort}, the run
     * also makes TLS handshakes and requests there, trusting the certificate the appliance ships
     * in {@code data/tls/cert.pem}, so the cache holds the HTTPS path's classes too (the TLS
     * stack's are many). A failure there is reported and leaves the plain training's cache.
     *
     * @param tlsPort the HTTPS port, or 0 if none
     */
    public static Path train(Path out, String name, List<String> command, int port, int tlsPort,
                             Consumer<String> progress) throws IOException {
        out = out.toAbsolutePath();
        Path cache = out.resolve("cache").resolve(name + ".aot");
        Files.createDirectories(cache.getParent());
        Files.deleteIfExists(cache);
        Path log = out.resolve("work").resolve("aot-training.log");
        List<String> java = new ArrayList<>();
        java.add(out.resolve("runtime/bin/java").toString());
        java.add("-XX:AOTCacheOutput=" + cache);
        java.addAll(command);
        progress.accept("aot: training run to build " + out.relativize(cache));
        Process process = new ProcessBuilder(java).directory(out.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (port > 0) {
                exercise(port, process);
                if (tlsPort > 0) {
                    exerciseTls(out.resolve("data").resolve("tls").resolve("cert.pem"), tlsPort, progress);
                }
            } else {
                Thread.sleep(2000);
            }
            process.destroy(); // SIGTERM: the appliance stops cleanly and the JVM writes the cache
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("the training run did not stop");
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(cache);
            progress.accept("aot: no cache (" + e.getMessage() + "; see " + out.relativize(log) + ")");
            return null;
        }
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            Files.deleteIfExists(cache);
            progress.accept("aot: the JVM wrote no cache; see " + out.relativize(log));
            return null;
        }
        progress.accept("aot: " + out.relativize(cache) + " (" + Files.size(cache) / (1024 * 1024) + " MiB)");
        return cache;
    }

    /**
     * What the training run asks, so the cache holds the classes (and the JIT the profiles) of
     * the paths a real visitor takes: a page, a compressed page, a HEAD, a conditional request
     * and a miss.
     */
    private static final List<String> TRAINING_REQUESTS = List.of(
            "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n",
            "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \"training\"\r\n\r\n",
            "GET /no-such-page HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    private static final int TRAINING_ROUNDS = 20;

    private static final int TLS_ROUNDS = 5;

    /** Sends the training requests over a few TLS connections (each a full handshake). */
    private static void exerciseTls(Path certificate, int port, Consumer<String> progress) {
        try {
            SSLContext context = PemTrust.trusting(certificate);
            for (int round = 0; round < TLS_ROUNDS; round++) {
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    socket.setSoTimeout(10_000);
                    OutputStream o = socket.getOutputStream();
                    o.write(String.join("", TRAINING_REQUESTS).getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            progress.accept("aot: no TLS training on port " + port + " (" + e.getMessage()
                    + "); the cache covers plain HTTP only");
        }
    }

    /** Waits for the port, then sends the training requests a few times, reading every answer. */
    private static void exercise(int port, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("the appliance exited during training (is port " + port + " taken?)");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the appliance did not listen on port " + port + " within 60 s");
                }
                Thread.sleep(100);
                continue;
            }
            break;
        }
        for (int round = 0; round < TRAINING_ROUNDS; round++) {
            // One keep-alive connection per round, pipelined: the last request closes it.
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                socket.setSoTimeout(10_000);
                OutputStream o = socket.getOutputStream();
                o.write(String.join("", TRAINING_REQUESTS).getBytes(StandardCharsets.US_ASCII));
                socket.shutdownOutput(); // an appliance that is not an HTTP server (echo) ends too
                try (InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
    }
}
