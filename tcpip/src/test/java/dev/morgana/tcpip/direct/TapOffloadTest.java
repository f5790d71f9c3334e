package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.tcpip.netif.TcpSegmentationOffload;
import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TAP offloads against the Linux kernel: with TSO the kernel hands over TCP super-frames larger
 * than the MTU and leaves their checksums to us, and the download is still byte-exact; without
 * offloads every frame fits the MTU; and with TSO our uploads go out as super-frames the kernel
 * segments, byte-exact too. Root only; each case has its own namespace and TAP.
 */
@Timeout(60)
class TapOffloadTest {

    private static final int SIZE = 4 * 1024 * 1024;
    private static final Ipv4Address KERNEL = Ipv4Address.parse("10.212.0.1");
    private static final Ipv4Address STACK = Ipv4Address.parse("10.212.0.2");

    @BeforeAll
    static void needsRoot() throws IOException {
        String reason = Namespace.unavailableReason();
        if (reason == null && Namespace.run(5, "sh", "-c", "command -v socat").exit() != 0) {
            reason = "socat is needed; scripts/deps.sh installs it";
        }
        if (reason != null) {
            System.out.println("TapOffloadTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** Counts the frames a network receives and sends, and the largest each way. */
    private static final class Counting implements Network, TcpSegmentationOffload {
        final TapNetwork inner;
        final AtomicInteger frames = new AtomicInteger();
        final AtomicLong largest = new AtomicLong();
        final AtomicInteger sentFrames = new AtomicInteger();
        final AtomicLong largestSent = new AtomicLong();

        Counting(TapNetwork inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public MacAddress mac() {
            return inner.mac();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public void send(ByteBuffer frame) throws IOException {
            sentFrames.incrementAndGet();
            largestSent.accumulateAndGet(frame.remaining(), Math::max);
            inner.send(frame);
        }

        @Override
        public int maxTcpPacket() {
            return inner.maxTcpPacket();
        }

        @Override
        public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
            int before = dst.position();
            boolean got = inner.receive(dst, timeout);
            if (got) {
                frames.incrementAndGet();
                largest.accumulateAndGet(dst.position() - before, Math::max);
            }
            return got;
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TapNetwork.Offloads.class)
    void aDownloadFromTheKernelIsByteExactAndFramesMatchTheOffloads(TapNetwork.Offloads offloads) throws Exception {
        byte[] body = new byte[SIZE];
        new SplittableRandom(5).nextBytes(body);
        Path in = Files.createTempFile("morgana-offload", ".bin");
        Path log = Files.createTempFile("morgana-offload", ".log");
        Files.write(in, body);
        try (Namespace ns = Namespace.create()) {
            String tap = Namespace.createTap();
            Counting network;
            try {
                network = new Counting(TapNetwork.open(tap, MacAddress.parse("02:00:00:00:06:02"), 1500, offloads));
                ns.adopt(tap, KERNEL + "/24");
            } catch (IOException | RuntimeException e) {
                Namespace.deleteTap(tap);
                throw e;
            }
            DirectStackV4 stack = DirectStackV4.start(network, new Ipv4Config(STACK, Ipv4Address.parse("255.255.255.0"), Optional.of(KERNEL)),
                    Clock.system(), new SeededRandom(6), FlowContractTest.CONSOLE);
            Process socat = ns.start(log, "socat", "-u", "OPEN:" + in, "TCP4-LISTEN:9002,reuseaddr");
            long malformed;
            try (Flow flow = connectWhenListening(stack, 9002)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(65536);
                for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
                    got.write(buf.array(), 0, n);
                    buf.clear();
                }
                assertArrayEquals(body, got.toByteArray());
                malformed = stack.stats().malformed();
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                stack.close();
                network.close();
            }
            assertEquals(0, malformed, "no frame failed a check, so every unfinished checksum was completed right");
            System.out.printf("TapOffloadTest %s: %d frames received, largest %d bytes%n", offloads, network.frames.get(), network.largest.get());
            if (offloads == TapNetwork.Offloads.CHECKSUM_AND_TSO) {
                assertTrue(network.largest.get() > 1514, "the kernel sent TCP super-frames: largest " + network.largest.get());
            } else {
                assertTrue(network.largest.get() <= 1514, "every frame fits the MTU: largest " + network.largest.get());
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(log);
        }
    }

    @ParameterizedTest
    @EnumSource(TapNetwork.Offloads.class)
    void anUploadToTheKernelIsByteExactAndUsesLargeSegmentsOnlyWithTso(TapNetwork.Offloads offloads) throws Exception {
        byte[] body = new byte[SIZE];
        new SplittableRandom(8).nextBytes(body);
        Path out = Files.createTempFile("morgana-offload", ".bin");
        Path log = Files.createTempFile("morgana-offload", ".log");
        try (Namespace ns = Namespace.create()) {
            String tap = Namespace.createTap();
            Counting network;
            try {
                network = new Counting(TapNetwork.open(tap, MacAddress.parse("02:00:00:00:06:03"), 1500, offloads));
                ns.adopt(tap, KERNEL + "/24");
            } catch (IOException | RuntimeException e) {
                Namespace.deleteTap(tap);
                throw e;
            }
            DirectStackV4 stack = DirectStackV4.start(network, new Ipv4Config(STACK, Ipv4Address.parse("255.255.255.0"), Optional.of(KERNEL)),
                    Clock.system(), new SeededRandom(7), FlowContractTest.CONSOLE);
            Process socat = ns.start(log, "socat", "-u", "TCP4-LISTEN:9003,reuseaddr", "CREATE:" + out);
            try (Flow flow = connectWhenListening(stack, 9003)) {
                flow.write(ByteBuffer.wrap(body));
                flow.shutdownOutput();
                assertEquals(-1, flow.read(ByteBuffer.allocate(16)), "the kernel closes after our FIN");
                assertTrue(socat.waitFor(30, TimeUnit.SECONDS), "socat finishes");
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                stack.close();
                network.close();
            }
            assertArrayEquals(body, Files.readAllBytes(out));
            System.out.printf("TapOffloadTest upload %s: %d frames sent, largest %d bytes%n", offloads, network.sentFrames.get(),
                    network.largestSent.get());
            if (offloads == TapNetwork.Offloads.CHECKSUM_AND_TSO) {
                assertTrue(network.largestSent.get() > 1514, "we sent TCP super-frames: largest " + network.largestSent.get());
            } else {
                assertTrue(network.largestSent.get() <= 1514, "every frame fits the MTU: largest " + network.largestSent.get());
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }

    private static Flow connectWhenListening(DirectStackV4 stack, int port) throws Exception {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return stack.tcpv4().connect(KERNEL, port);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
