package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Tcpv4;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads blocked on idle connections stay asleep while another connection moves data: each
 * blocked flow is woken only when what it waits for holds, not after every frame of every
 * connection (which cost one thread wake-up per blocked flow per frame).
 */
@Timeout(60)
class DirectFlowWakeupTest {

    private static final int IDLE = 20;

    @Test
    void idleReadersAreNotWokenByAnotherConnectionsTraffic() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        DirectStackV4 client = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2),
                FlowContractTest.CONSOLE, TcpConfig.DEFAULT);
        DirectStackV4 server = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3),
                FlowContractTest.CONSOLE, TcpConfig.DEFAULT);
        CountDownLatch idleReading = new CountDownLatch(IDLE);
        List<Flow> flows = new ArrayList<>();
        try (Tcpv4.Listener echo = server.tcpv4().listen(7, flow -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
                flow.write(buf.flip());
                buf.clear();
            }
        })) {
            // IDLE connections whose readers block on the client side, with nothing to read.
            for (int i = 0; i < IDLE; i++) {
                Flow f = client.tcpv4().connect(Hosts.ip(3), 7);
                flows.add(f);
                Thread.ofVirtual().start(() -> {
                    idleReading.countDown();
                    try {
                        f.read(ByteBuffer.allocate(16));
                    } catch (Exception e) {
                        // Closed at the end of the test.
                    }
                });
            }
            assertTrue(idleReading.await(10, TimeUnit.SECONDS));
            Thread.sleep(200); // the readers are blocked now
            long before = client.tcpWakeups();

            byte[] data = new byte[1 << 20];
            new SplittableRandom(4).nextBytes(data);
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            try (Flow busy = client.tcpv4().connect(Hosts.ip(3), 7)) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        busy.write(ByteBuffer.wrap(data));
                        busy.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                ByteBuffer buf = ByteBuffer.allocate(65536);
                for (int n = busy.read(buf); n >= 0; n = busy.read(buf)) {
                    echoed.write(buf.array(), 0, n);
                    buf.clear();
                }
                writer.join();
            }
            assertArrayEquals(data, echoed.toByteArray(), "the busy connection echoed every byte");
            long wakeups = client.tcpWakeups() - before;
            // The busy connection's own reader and writer wake many times; the idle readers never.
            // With one wake-up per blocked flow per frame, the idle ones alone would add IDLE per frame.
            long framesIn = client.stats().ethernet().received();
            System.out.printf("DirectFlowWakeupTest: %d wake-ups for %d frames received, %d idle readers%n", wakeups, framesIn, IDLE);
            assertTrue(wakeups < framesIn, "wake-ups " + wakeups + " for " + framesIn + " frames with " + IDLE + " idle readers");
        } finally {
            for (Flow f : flows) {
                f.close();
            }
            client.close();
            server.close();
        }
    }
}
