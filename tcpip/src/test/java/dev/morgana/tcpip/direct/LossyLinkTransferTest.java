package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.PcapTap;
import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.types.Flow;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Bulk transfers between the from-scratch TCP and the Linux kernel over a lossy, delayed TAP link,
 * byte-exact by SHA-256 on both sides: the matrix {1 %, 5 % loss} x {a kernel client sends to our
 * listener, we download from a kernel listener, we upload to a kernel listener}, with 20 ms of
 * added one-way delay, all six transfers at once, each on its own TAP device in its own namespace.
 *
 * <p>The loss and delay come from {@link ImpairedLink} at the TAP (this kernel, like many sandbox
 * and CI kernels, has no {@code sch_netem}): both directions lose frames, our sends are delayed.
 * Each link is recorded (headers only) into {@code target/pcap/}; a failing transfer keeps its
 * pcap and prints the path, a passing one deletes it.
 *
 * <p>{@code -Dnetem.bytes=N} sets the size of each transfer (default 4 MiB, so the module's suite stays short; {@code make
 * test-netem} runs 100 MB). Root and /dev/net/tun only; skips with the reason otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3600, unit = TimeUnit.SECONDS) // the 100 MB run of make test-netem; the default size ends far sooner
class LossyLinkTransferTest {

    private static final long SIZE = Long.getLong("netem.bytes", 4L * 1024 * 1024);
    private static final Duration DELAY = Duration.ofMillis(20);
    /** Slowest rate accepted before a transfer is declared stuck (5 % loss without SACK is slow; 100 MB: 2,060 s). */
    private static final long FLOOR_BYTES_PER_SECOND = 50_000;
    private static final Path PCAPS = Path.of("target", "pcap").toAbsolutePath();

    private enum Direction {
        KERNEL_CLIENT_SENDS_TO_US("kernel client -> our listener"),
        WE_DOWNLOAD_FROM_KERNEL("our client <- kernel listener"),
        WE_UPLOAD_TO_KERNEL("our client -> kernel listener");

        final String label;

        Direction(String label) {
            this.label = label;
        }
    }

    private record Outcome(Direction direction, double loss, boolean ok, double seconds, String detail, Path pcap,
            long dropped, long passed) {}

    private final List<Link> links = new ArrayList<>();
    private Path source;
    private String sourceSha;

    @BeforeAll
    void setUp() throws Exception {
        Namespace.assumeUsable(LossyLinkTransferTest.class, "socat", "sha256sum");
        Files.createDirectories(PCAPS);
        source = Files.createTempFile("morgana-lossy", ".bin");
        sourceSha = writeSource(source, SIZE);
    }

    @AfterAll
    void tearDown() throws IOException {
        for (Link link : links) {
            link.tap.close();
        }
        if (source != null) {
            Files.deleteIfExists(source);
        }
    }

    @Test
    void bulkTransfersAreByteExactInBothDirectionsAtOneAndFivePercentLoss() throws Exception {
        List<Future<Outcome>> running = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int subnet = 0;
            for (double loss : new double[] {0.01, 0.05}) {
                for (Direction d : Direction.values()) {
                    Link link = Link.open(subnet++, loss);
                    links.add(link);
                    running.add(pool.submit(() -> transfer(link, d, loss)));
                }
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : running) {
                outcomes.add(f.get());
            }
            double total = (System.nanoTime() - started) / 1e9;
            StringBuilder table = new StringBuilder(String.format("%nLossyLinkTransferTest: %,d bytes each, +%d ms one-way delay, all at once, %.1f s in all%n",
                    SIZE, DELAY.toMillis(), total));
            List<String> failures = new ArrayList<>();
            for (Outcome o : outcomes) {
                table.append(String.format("  %-32s loss %2.0f %%  %7.1f s  %7.0f KB/s  %s (link dropped %d of %d frames)%n", o.direction.label,
                        o.loss * 100, o.seconds, SIZE / 1000.0 / o.seconds, o.ok ? "ok" : "FAILED: " + o.detail, o.dropped,
                        o.dropped + o.passed));
                if (!o.ok) {
                    failures.add(o.direction.label + " at " + (int) (o.loss * 100) + " % loss: " + o.detail + "; pcap kept at " + o.pcap);
                }
            }
            System.out.println(table);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    /** Runs one transfer on its own link; never throws, the outcome says what happened. */
    private Outcome transfer(Link link, Direction direction, double loss) {
        long start = System.nanoTime();
        Duration limit = Duration.ofSeconds(60 + SIZE / FLOOR_BYTES_PER_SECOND);
        String detail;
        boolean ok;
        try {
            String[] shas = switch (direction) {
                case KERNEL_CLIENT_SENDS_TO_US -> kernelClientSends(link, limit);
                case WE_DOWNLOAD_FROM_KERNEL -> weDownload(link, limit);
                case WE_UPLOAD_TO_KERNEL -> weUpload(link, limit);
            };
            ok = shas[0].equals(shas[1]);
            detail = ok ? "sha256 " + shas[0] : "sha256 sent " + shas[0] + " but received " + shas[1];
        } catch (Exception e) {
            ok = false;
            detail = e.toString();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        link.tap.stop();
        Path pcap = link.pcap;
        try {
            if (ok) {
                Files.deleteIfExists(pcap);
            } else {
                System.out.println("LossyLinkTransferTest: " + direction.label + " failed; pcap kept at " + pcap);
            }
        } catch (IOException e) {
            // The pcap stays; harmless.
        }
        return new Outcome(direction, loss, ok, seconds, detail, pcap, link.tap.network.dropped(), link.tap.network.passed());
    }

    /** socat in the namespace connects to our listener and sends the source file. */
    private String[] kernelClientSends(Link link, Duration limit) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        try (Tcpv4.Listener l = link.tap.stack.tcpv4().listen(8080, flow -> {
            try {
                received.complete(readAllHashing(flow));
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        })) {
            Path log = Files.createTempFile("morgana-lossy", ".log");
            Process socat = link.tap.ns.start(log, "socat", "-u", "OPEN:" + source, "TCP4:" + link.tap.stackIp + ":8080");
            try {
                String got = received.get(limit.toSeconds(), TimeUnit.SECONDS);
                if (!socat.waitFor(30, TimeUnit.SECONDS) || socat.exitValue() != 0) {
                    throw new IOException("socat client did not finish cleanly: " + Files.readString(log));
                }
                return new String[] {sourceSha, got};
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                Files.deleteIfExists(log);
            }
        }
    }

    /** socat in the namespace listens and sends the source file; we connect and read it. */
    private String[] weDownload(Link link, Duration limit) throws Exception {
        Path log = Files.createTempFile("morgana-lossy", ".log");
        Process socat = link.tap.ns.start(log, "socat", "-u", "OPEN:" + source, "TCP4-LISTEN:9001,reuseaddr");
        try (Flow flow = link.tap.connectWhenListening(9001)) {
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    got.complete(readAllHashing(flow));
                } catch (IOException | RuntimeException e) {
                    got.completeExceptionally(e);
                }
            });
            try {
                return new String[] {sourceSha, got.get(limit.toSeconds(), TimeUnit.SECONDS)};
            } finally {
                flow.close(); // unblocks the reader if the limit passed
            }
        } finally {
            socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** socat in the namespace listens and pipes what it receives into sha256sum; we send. */
    private String[] weUpload(Link link, Duration limit) throws Exception {
        Path log = Files.createTempFile("morgana-lossy", ".log");
        Process socat = link.tap.ns.start(log, "sh", "-c", "socat -u TCP4-LISTEN:9000,reuseaddr - | sha256sum");
        try (Flow flow = link.tap.connectWhenListening(9000)) {
            MessageDigest sha = sha256();
            SplittableRandom random = new SplittableRandom(7);
            byte[] chunk = new byte[64 * 1024];
            long deadline = System.nanoTime() + limit.toNanos();
            for (long sent = 0; sent < SIZE; sent += chunk.length) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("upload stuck: " + sent + " of " + SIZE + " bytes queued after " + limit.toSeconds() + " s");
                }
                int n = (int) Math.min(chunk.length, SIZE - sent);
                random.nextBytes(chunk);
                sha.update(chunk, 0, n);
                flow.write(ByteBuffer.wrap(chunk, 0, n));
            }
            flow.shutdownOutput();
            String sent = HexFormat.of().formatHex(sha.digest());
            long left = Math.max(30, (deadline - System.nanoTime()) / 1_000_000_000L);
            if (!socat.waitFor(left, TimeUnit.SECONDS)) {
                throw new IOException("the kernel listener did not see the end of the upload within the limit");
            }
            String out = Files.readString(log, StandardCharsets.US_ASCII).trim();
            String got = out.split("\\s+")[0];
            if (flow.read(ByteBuffer.allocate(16)) != -1) {
                throw new IOException("the kernel sent data back");
            }
            return new String[] {sent, got};
        } finally {
            socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static String readAllHashing(Flow flow) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
            sha.update(buf.array(), 0, n);
            buf.clear();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Writes {@code size} seeded pseudo-random bytes to {@code file}; returns their SHA-256. */
    private static String writeSource(Path file, long size) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(11);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                int n = (int) Math.min(chunk.length, size - done);
                random.nextBytes(chunk);
                sha.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One link (kernel 10.211.N.1, our stack 10.211.N.2) and its capture, headers only. */
    private record Link(TapLink<ImpairedLink> tap, Path pcap) {

        static Link open(int subnet, double loss) throws IOException {
            // Stack -> impairments -> capture -> TAP, so the pcap shows what was on the wire. No TSO:
            // each frame is one wire-sized segment, so a lost frame is one lost segment, as on a wire.
            TapLink<ImpairedLink> tap = TapLink.open("10.211." + subnet, new MacAddress(0x0200_0000_0500L + subnet), TapNetwork.Offloads.NONE,
                    (device, ifname) -> new ImpairedLink(PcapTap.wrap(device, pcapOf(ifname), 128), loss, DELAY, 1000 + subnet),
                    subnet + 1, FlowContractTest.CONSOLE);
            return new Link(tap, pcapOf(tap.ifname));
        }

        private static Path pcapOf(String ifname) {
            return PCAPS.resolve("lossy-" + ifname + ".pcap");
        }
    }
}
