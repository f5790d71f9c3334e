package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.tcpip.netif.TcpSegmentationOffload;
import dev.morgana.types.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
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
        try (TapLink<Counting> link = open("02:00:00:00:06:02", offloads, 6)) {
            Counting network = link.network;
            assertArrayEquals(body, link.downloadFromKernelListener(9002, body));
            long malformed = link.stack.stats().malformed();
            link.stop();
            assertEquals(0, malformed, "no frame failed a check, so every unfinished checksum was completed right");
            System.out.printf("TapOffloadTest %s: %d frames received, largest %d bytes%n", offloads, network.frames.get(), network.largest.get());
            assertFrameSizesMatch(offloads, network.largest.get(), "the kernel");
        }
    }

    @ParameterizedTest
    @EnumSource(TapNetwork.Offloads.class)
    void anUploadToTheKernelIsByteExactAndUsesLargeSegmentsOnlyWithTso(TapNetwork.Offloads offloads) throws Exception {
        byte[] body = new byte[SIZE];
        new SplittableRandom(8).nextBytes(body);
        try (TapLink<Counting> link = open("02:00:00:00:06:03", offloads, 7)) {
            Counting network = link.network;
            assertArrayEquals(body, link.uploadToKernelListener(9003, body));
            link.stop();
            System.out.printf("TapOffloadTest upload %s: %d frames sent, largest %d bytes%n", offloads, network.sentFrames.get(),
                    network.largestSent.get());
            assertFrameSizesMatch(offloads, network.largestSent.get(), "we");
        }
    }

    /** With TSO {@code sender} used TCP super-frames, larger than a wire frame (1514 bytes); without, every frame fits the MTU. */
    private static void assertFrameSizesMatch(TapNetwork.Offloads offloads, long largest, String sender) {
        if (offloads == TapNetwork.Offloads.CHECKSUM_AND_TSO) {
            assertTrue(largest > 1514, sender + " sent TCP super-frames: largest " + largest);
        } else {
            assertTrue(largest <= 1514, "every frame fits the MTU: largest " + largest);
        }
    }
}
