package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.tcpip.netif.TcpSegmentationOffload;
import dev.morgana.types.Flow;
import dev.morgana.types.MacAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
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

    @BeforeAll
    static void needsRoot() throws IOException {
        Namespace.assumeUsable(TapOffloadTest.class, "socat");
    }

    /** Counts the frames a network receives and sends, and the largest each way. */
    private static final class Counting extends ForwardingNetwork implements TcpSegmentationOffload {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicLong largest = new AtomicLong();
        final AtomicInteger sentFrames = new AtomicInteger();
        final AtomicLong largestSent = new AtomicLong();
        private final int maxTcpPacket;

        Counting(TapNetwork inner) {
            super(inner);
            this.maxTcpPacket = inner.maxTcpPacket();
        }

        @Override
        public void send(ByteBuffer frame) throws IOException {
            sentFrames.incrementAndGet();
            largestSent.accumulateAndGet(frame.remaining(), Math::max);
            super.send(frame);
        }

        @Override
        public int maxTcpPacket() {
            return maxTcpPacket;
        }

        @Override
        public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
            int before = dst.position();
            boolean got = super.receive(dst, timeout);
            if (got) {
                frames.incrementAndGet();
                largest.accumulateAndGet(dst.position() - before, Math::max);
            }
            return got;
        }
    }

    private static TapLink<Counting> open(String mac, TapNetwork.Offloads offloads, long seed) throws IOException {
        return TapLink.open("10.212.0", MacAddress.parse(mac), offloads, (device, ifname) -> new Counting(device), seed,
                FlowContractTest.CONSOLE);
    }

    @ParameterizedTest
    @EnumSource(TapNetwork.Offloads.class)
    void aDownloadFromTheKernelIsByteExactAndFramesMatchTheOffloads(TapNetwork.Offloads offloads) throws Exception {
        byte[] body = new byte[SIZE];
        new SplittableRandom(5).nextBytes(body);
        Path in = Files.createTempFile("morgana-offload", ".bin");
        Path log = Files.createTempFile("morgana-offload", ".log");
        Files.write(in, body);
        try (TapLink<Counting> link = open("02:00:00:00:06:02", offloads, 6)) {
            Counting network = link.network;
            Process socat = link.ns.start(log, "socat", "-u", "OPEN:" + in, "TCP4-LISTEN:9002,reuseaddr");
            long malformed;
            try (Flow flow = link.connectWhenListening(9002)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(65536);
                for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
                    got.write(buf.array(), 0, n);
                    buf.clear();
                }
                assertArrayEquals(body, got.toByteArray());
                malformed = link.stack.stats().malformed();
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                link.stop();
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
        try (TapLink<Counting> link = open("02:00:00:00:06:03", offloads, 7)) {
            Counting network = link.network;
            Process socat = link.ns.start(log, "socat", "-u", "TCP4-LISTEN:9003,reuseaddr", "CREATE:" + out);
            try (Flow flow = link.connectWhenListening(9003)) {
                flow.write(ByteBuffer.wrap(body));
                flow.shutdownOutput();
                assertEquals(-1, flow.read(ByteBuffer.allocate(16)), "the kernel closes after our FIN");
                assertTrue(socat.waitFor(30, TimeUnit.SECONDS), "socat finishes");
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                link.stop();
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
}
