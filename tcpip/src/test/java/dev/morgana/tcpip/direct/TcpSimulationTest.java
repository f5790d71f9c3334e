package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP engine between two simulated stacks, driven without threads under a virtual clock. */
@Timeout(60)
class TcpSimulationTest {

    private static final TcpConfig CONFIG = TcpConfig.DEFAULT.withTimeWait(Duration.ofSeconds(5));

    private static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Runs a server peer on b:80 and a client peer from a; returns them once both are done. */
    private static TcpPeer[] exchange(Hosts hosts, StackEngine a, StackEngine b, TcpPeer client, TcpPeer server) throws Exception {
        return exchange(hosts, a, b, 80, client, server, () -> { });
    }

    /** As above on b:{@code port}, running {@code eachStep} at every step of the applications. */
    private static TcpPeer[] exchange(Hosts hosts, StackEngine a, StackEngine b, int port, TcpPeer client, TcpPeer server,
            Runnable eachStep) throws Exception {
        b.tcp().listen(port, c -> server.connection = c);
        client.connection = a.tcp().connect(Hosts.ip(3), port, hosts.sim.now());
        hosts.sim.application(() -> {
            eachStep.run();
            return client.step() | server.step();
        });
        assertTrue(hosts.sim.runUntil(() -> client.done() && server.done(), Duration.ofMinutes(30)), "both ends finish");
        return new TcpPeer[] {client, server};
    }

    @Test
    void bytesFlowBothWaysAndBothEndsCloseCleanly() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        TcpPeer client = new TcpPeer(data(1_000_000, 1), -1, hosts.sim::now);
        TcpPeer server = new TcpPeer(data(300_000, 2), -1, hosts.sim::now);
        exchange(hosts, a, b, client, server);
        assertArrayEquals(client.toSend, server.received.toByteArray());
        assertArrayEquals(server.toSend, client.received.toByteArray());
        assertNull(client.error);
        assertNull(server.error);
        hosts.sim.runFor(Duration.ofSeconds(6));
        assertEquals(0, a.tcp().connectionCount() + b.tcp().connectionCount(), "TIME_WAIT ended, nothing held");
    }

    @Test
    void aNewConnectionReusesTheRingsOfAnEndedOneWithItsOwnBytes() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        TcpPeer firstClient = new TcpPeer(data(200_000, 3), -1, hosts.sim::now);
        TcpPeer firstServer = new TcpPeer(data(400_000, 4), -1, hosts.sim::now);
        exchange(hosts, a, b, firstClient, firstServer);
        hosts.sim.runFor(Duration.ofSeconds(6));
        long pooled = b.tcp().pooledRingBytes();
        assertTrue(pooled >= CONFIG.sendBuffer(), "the server's full send ring was kept: " + pooled);

        TcpPeer client = new TcpPeer(data(150_000, 5), -1, hosts.sim::now);
        TcpPeer server = new TcpPeer(data(500_000, 6), -1, hosts.sim::now);
        long[] lowest = {pooled};
        exchange(hosts, a, b, 81, client, server, () -> lowest[0] = Math.min(lowest[0], b.tcp().pooledRingBytes()));
        assertTrue(lowest[0] <= pooled - CONFIG.sendBuffer(), "the second connection's send ring came from the pool: " + lowest[0]);
        assertArrayEquals(client.toSend, server.received.toByteArray());
        assertArrayEquals(server.toSend, client.received.toByteArray(), "no byte of the first connection in the second");
        hosts.sim.runFor(Duration.ofSeconds(6));
        assertTrue(b.tcp().pooledRingBytes() <= 4L * (CONFIG.sendBuffer() + CONFIG.receiveBuffer()), "bounded");
    }

    @Test
    void aClosedPortRefusesTheConnection() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        hosts.host(3, 1500, CONFIG);
        TcpConnection c = a.tcp().connect(Hosts.ip(3), 81, hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> c.state() == TcpState.CLOSED, Duration.ofSeconds(5)));
        assertEquals("connection refused", c.error());
        assertEquals(0, a.tcp().connectionCount());
    }

    @Test
    void anUnreachablePeerTimesOutWithinBoundedTime() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        TcpConnection c = a.tcp().connect(Hosts.ip(77), 80, hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> c.state() == TcpState.CLOSED, Duration.ofMinutes(5)));
        assertEquals("timed out", c.error());
        assertEquals(0, a.tcp().connectionCount());
    }

    @Test
    void halfCloseLetsThePeerKeepSending() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        // The client sends nothing and shuts its output at once; the server answers 200 kB after.
        TcpPeer client = new TcpPeer(new byte[0], -1, hosts.sim::now);
        TcpPeer server = new TcpPeer(data(200_000, 3), -1, hosts.sim::now);
        exchange(hosts, a, b, client, server);
        assertArrayEquals(server.toSend, client.received.toByteArray());
        assertEquals(0, server.received.size());
        assertNull(client.error);
    }

    @Test
    void aReaderThatPausesClosesTheWindowAndProbingReopensIt() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        List<TcpConnection> accepted = new ArrayList<>();
        b.tcp().listen(80, accepted::add);
        TcpConnection c = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        byte[] payload = data(1_500_000, 4);
        ByteBuffer src = ByteBuffer.wrap(payload);
        hosts.sim.application(() -> c.established() && src.hasRemaining() && c.write(src, hosts.sim.now()) > 0);
        // Nobody reads at b for 30 s: the window fills and closes, the sender probes.
        hosts.sim.runFor(Duration.ofSeconds(30));
        TcpConnection s = accepted.getFirst();
        assertTrue(s.readable() > CONFIG.receiveBuffer() - 1460 && s.readable() <= CONFIG.receiveBuffer(),
                "the receive buffer is full, no more: " + s.readable());
        assertTrue(src.hasRemaining());
        ByteBuffer got = ByteBuffer.allocate(payload.length);
        hosts.sim.application(() -> {
            boolean wrote = src.hasRemaining() && c.write(src, hosts.sim.now()) > 0;
            return s.read(got, hosts.sim.now()) > 0 || wrote;
        });
        assertTrue(hosts.sim.runUntil(() -> !got.hasRemaining(), Duration.ofMinutes(3)), "the transfer resumes");
        assertArrayEquals(payload, got.array());
        assertNull(c.error());
    }

    @Test
    void closingWithUnreadDataResetsThePeer() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        TcpPeer client = new TcpPeer(data(500_000, 5), -1, hosts.sim::now);
        TcpPeer server = new TcpPeer(new byte[0], 1000, hosts.sim::now);
        exchange(hosts, a, b, client, server);
        assertTrue(server.closedEarly);
        assertEquals("connection reset by peer", client.error);
        byte[] got = server.received.toByteArray();
        assertArrayEquals(java.util.Arrays.copyOf(client.toSend, got.length), got);
        hosts.sim.runFor(Duration.ofSeconds(6));
        assertEquals(0, a.tcp().connectionCount() + b.tcp().connectionCount());
    }

    @Test
    void aLossyLinkDeliversEveryByteInOrder() throws Exception {
        Hosts hosts = new Hosts(new Impairments(0.1, 0.05, 0.1, 0.02, Duration.ofMillis(5), Duration.ofMillis(5)), 9);
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        TcpPeer client = new TcpPeer(data(300_000, 6), -1, hosts.sim::now);
        TcpPeer server = new TcpPeer(data(100_000, 7), -1, hosts.sim::now);
        exchange(hosts, a, b, client, server);
        assertNull(client.error);
        assertNull(server.error);
        assertArrayEquals(client.toSend, server.received.toByteArray());
        assertArrayEquals(server.toSend, client.received.toByteArray());
    }

    @Test
    void theBacklogBoundsHalfOpenConnections() throws Exception {
        TcpConfig small = new TcpConfig(65536, 65535, Duration.ofMillis(200), Duration.ofSeconds(60), 8, 5, Duration.ofMillis(40),
                Duration.ofSeconds(5), Duration.ofSeconds(60), 4, 1000, 100, false)
                .withOptions(new TcpConfig.Extensions(true, true, true, false));
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, small);
        b.tcp().listen(80, c -> { });
        a.udp().send(9, Hosts.ip(3), 9, ByteBuffer.allocate(1), hosts.sim.now()); // resolves ARP first
        hosts.sim.runFor(Duration.ofMillis(10));
        List<TcpConnection> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clients.add(a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now()));
        }
        hosts.sim.runFor(Duration.ofMillis(100));
        assertEquals(6, b.tcp().stats().synsDropped(), "four half-open at most, the other SYNs dropped");
        assertEquals(4, b.tcp().connectionCount());
        assertTrue(hosts.sim.runUntil(() -> clients.stream().allMatch(c -> c.state() == TcpState.ESTABLISHED), Duration.ofSeconds(10)),
                "the dropped ones get in when they retry");
    }
}
