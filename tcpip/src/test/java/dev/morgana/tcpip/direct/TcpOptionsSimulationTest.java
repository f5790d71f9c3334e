package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.TcpSegment;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP extensions between two simulated stacks: negotiation of window scaling, timestamps and
 * SACK, what each buys (a long fat path filled, losses repaired without timeouts), PAWS, SYN
 * cookies under a SYN flood, and keepalive.
 */
@Timeout(120)
class TcpOptionsSimulationTest {

    private static final TcpConfig CONFIG = TcpConfig.DEFAULT.withTimeWait(Duration.ofSeconds(5));
    private static final TcpConfig.Extensions NO_SCALING = new TcpConfig.Extensions(false, true, true, true);
    private static final TcpConfig.Extensions NO_SACK = new TcpConfig.Extensions(true, true, false, true);
    private static final MacAddress SPOOFER = new MacAddress(0x0200_0000_0077L);

    private static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Runs a transfer both ways between a client on a and a server on b:80; returns the virtual nanoseconds it took. */
    private static long exchange(Hosts hosts, StackEngine a, StackEngine b, TcpPeer client, TcpPeer server) throws Exception {
        long start = hosts.sim.now();
        b.tcp().listen(80, c -> server.connection = c);
        client.connection = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        hosts.sim.application(() -> client.step() | server.step());
        assertTrue(hosts.sim.runUntil(() -> client.done() && server.done(), Duration.ofMinutes(30)), "both ends finish");
        assertNull(client.error);
        assertNull(server.error);
        assertArrayEquals(client.toSend, server.received.toByteArray(), "upload byte-exact");
        assertArrayEquals(server.toSend, client.received.toByteArray(), "download byte-exact");
        return hosts.sim.now() - start;
    }

    private static String negotiated(TcpConfig.Extensions client, TcpConfig.Extensions server) throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG.withOptions(client));
        StackEngine b = hosts.host(3, 1500, CONFIG.withOptions(server));
        TcpPeer c = new TcpPeer(data(50_000, 1), -1, hosts.sim::now);
        TcpPeer s = new TcpPeer(data(50_000, 2), -1, hosts.sim::now);
        List<String> seen = new ArrayList<>();
        hosts.sim.application(() -> false);
        b.tcp().listen(80, conn -> {
            s.connection = conn;
            seen.add(conn.negotiated());
        });
        c.connection = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        hosts.sim.application(() -> {
            if (c.connection.state() == TcpState.ESTABLISHED && seen.size() == 1) {
                seen.add(c.connection.negotiated());
            }
            return c.step() | s.step();
        });
        assertTrue(hosts.sim.runUntil(() -> c.done() && s.done(), Duration.ofMinutes(1)));
        assertArrayEquals(c.toSend, s.received.toByteArray());
        assertArrayEquals(s.toSend, c.received.toByteArray());
        assertEquals(seen.get(0), seen.get(1), "both ends agree");
        return seen.get(0);
    }

    @Test
    void optionsAreUsedOnlyWhenBothEndsOfferThem() throws Exception {
        TcpConfig.Extensions all = TcpConfig.Extensions.ALL;
        TcpConfig.Extensions none = TcpConfig.Extensions.NONE;
        assertEquals("ws=3/3 ts=yes sack=yes mss=1448", negotiated(all, all), "256 KiB buffers: shift 3; 12 bytes of timestamps off the MSS");
        assertEquals("ws=no ts=no sack=no mss=1460", negotiated(all, none));
        assertEquals("ws=no ts=no sack=no mss=1460", negotiated(none, all));
        assertEquals("ws=no ts=yes sack=yes mss=1448", negotiated(all, NO_SCALING));
        assertEquals("ws=3/3 ts=yes sack=no mss=1448", negotiated(NO_SACK, all));
        assertEquals("ws=3/3 ts=no sack=yes mss=1460", negotiated(all, new TcpConfig.Extensions(true, false, true, false)));
    }

    private static long longFatTransfer(TcpConfig.Extensions serverOptions) throws Exception {
        // 20 ms each way: a 40 ms round trip, where 64 KiB of window allow 1.6 MB/s.
        Hosts hosts = new Hosts(new Impairments(0, 0, 0, 0, Duration.ofMillis(20), Duration.ZERO), 1);
        TcpConfig big = CONFIG.withBuffers(4 << 20, 4 << 20);
        StackEngine a = hosts.host(2, 1500, big);
        StackEngine b = hosts.host(3, 1500, big.withOptions(serverOptions));
        return exchange(hosts, a, b, new TcpPeer(data(8 << 20, 3), -1, hosts.sim::now), new TcpPeer(new byte[0], -1, hosts.sim::now));
    }

    @Test
    void windowScalingFillsALongFatPath() throws Exception {
        long scaled = longFatTransfer(TcpConfig.Extensions.ALL);
        long unscaled = longFatTransfer(NO_SCALING);
        // 8 MiB at 64 KiB per 40 ms take at least 5 s; 4 MiB windows need a fraction of that.
        System.out.printf("long fat path, 8 MiB: %.2f s with window scaling, %.2f s without%n", scaled / 1e9, unscaled / 1e9);
        assertTrue(unscaled > 5_000_000_000L, "without scaling the window caps the rate: " + unscaled / 1e9 + " s");
        assertTrue(scaled * 4 < unscaled, "scaled " + scaled / 1e9 + " s against unscaled " + unscaled / 1e9 + " s");
    }

    private static Tcp_Stats lossyTransfer(TcpConfig.Extensions options) throws Exception {
        Hosts hosts = new Hosts(new Impairments(0.04, 0, 0, 0, Duration.ofMillis(5), Duration.ZERO), 7);
        StackEngine a = hosts.host(2, 1500, CONFIG.withOptions(options));
        StackEngine b = hosts.host(3, 1500, CONFIG.withOptions(options));
        long took = exchange(hosts, a, b, new TcpPeer(data(3_000_000, 4), -1, hosts.sim::now),
                new TcpPeer(data(10_000, 5), -1, hosts.sim::now));
        var s = a.tcp().stats();
        return new Tcp_Stats(s.sackRecoveries(), s.fastRecoveries(), s.timeouts(), took / 1_000_000);
    }

    private record Tcp_Stats(long sack, long newReno, long timeouts, long millis) {}

    @Test
    void sackRepairsLossesFasterAndWithFewerTimeoutsThanNewReno() throws Exception {
        Tcp_Stats sack = lossyTransfer(TcpConfig.Extensions.ALL);
        Tcp_Stats newReno = lossyTransfer(NO_SACK);
        System.out.println("3 MB over 4% loss: SACK " + sack + ", NewReno " + newReno);
        assertTrue(sack.sack() > 0, "SACK recovery ran: " + sack);
        assertEquals(0, sack.newReno(), "no NewReno recovery with a SACK peer");
        assertTrue(newReno.newReno() > 0, "NewReno recovery without SACK: " + newReno);
        assertEquals(0, newReno.sack());
        assertTrue(sack.timeouts() < newReno.timeouts(), "SACK " + sack + " against NewReno " + newReno);
        assertTrue(sack.millis() < newReno.millis(), "SACK " + sack + " against NewReno " + newReno);
    }

    /** A segment to b, as if from {@code from}:{@code port}, with timestamps and a payload. */
    private static void inject(StackEngine b, Ipv4Address from, MacAddress mac, int port, int seq, int ack, int flags,
            TcpSegment.Options options, byte[] payload, long now) {
        int tcpLength = TcpSegment.headerLength(options) + payload.length;
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + tcpLength];
        EthernetFrame.writeHeader(frame, Hosts.mac(3), mac, EthernetFrame.TYPE_IPV4);
        System.arraycopy(payload, 0, frame, Ipv4.PAYLOAD_OFFSET + TcpSegment.headerLength(options), payload.length);
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, port, 80, seq, ack, flags, 1000, options, payload.length, from, Hosts.ip(3));
        Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + tcpLength, 1, true, false, 0, 64,
                Ipv4Packet.PROTOCOL_TCP, from, Hosts.ip(3));
        b.input(ByteBuffer.wrap(frame), now);
    }

    private static TcpSegment.Options timestamps(int tsVal) {
        return new TcpSegment.Options(0, -1, false, true, tsVal, 0, new int[0]);
    }

    @Test
    void pawsDropsASegmentWhoseTimestampIsOlderThanTheLastOne() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        Hosts.Connection connection = hosts.connect(a, b);
        TcpConnection client = connection.client();
        TcpConnection server = connection.server();
        int recent = server.timestampRecent();
        byte[] stale = "stale".getBytes(StandardCharsets.US_ASCII);
        inject(b, Hosts.ip(2), Hosts.mac(2), client.localPort(), server.receiveNext(), server.sendNext(), TcpSegment.ACK | TcpSegment.PSH,
                timestamps(recent - 1000), stale, hosts.sim.now());
        assertEquals(0, server.readable(), "an old timestamp: an old duplicate, dropped");
        byte[] fresh = "fresh".getBytes(StandardCharsets.US_ASCII);
        inject(b, Hosts.ip(2), Hosts.mac(2), client.localPort(), server.receiveNext(), server.sendNext(), TcpSegment.ACK | TcpSegment.PSH,
                timestamps(recent + 1), fresh, hosts.sim.now());
        ByteBuffer got = ByteBuffer.allocate(16);
        server.read(got, hosts.sim.now());
        assertArrayEquals(fresh, java.util.Arrays.copyOf(got.array(), got.position()), "the same segment with a newer timestamp is taken");
        assertEquals(recent + 1, server.timestampRecent(), "and its timestamp is the one echoed from now on");
    }

    /** Sends {@code count} SYNs from 10.0.0.77, a host that never answers, to b:80. */
    private static void flood(StackEngine b, int count, long now) {
        for (int i = 0; i < count; i++) {
            inject(b, Ipv4Address.parse("10.0.0.77"), SPOOFER, 1000 + i, 0x1000 * i, 0, TcpSegment.SYN,
                    new TcpSegment.Options(1460, 7, true, true, 1, 0, new int[0]), new byte[0], now);
        }
    }

    @Test
    void synCookiesLetAClientInWhileTheBacklogIsFlooded() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG.withBacklog(4));
        TcpPeer server = new TcpPeer(data(100_000, 8), -1, hosts.sim::now);
        List<String> negotiated = new ArrayList<>();
        b.tcp().listen(80, c -> {
            server.connection = c;
            negotiated.add(c.negotiated());
        });
        flood(b, 50, hosts.sim.now());
        assertEquals(4, b.tcp().connectionCount(), "the backlog holds four half-open connections");
        assertEquals(46, b.tcp().stats().cookiesSent(), "the other SYNs got cookies and left nothing behind");
        TcpPeer client = new TcpPeer(data(100_000, 9), -1, hosts.sim::now);
        client.connection = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        hosts.sim.application(() -> client.step() | server.step());
        assertTrue(hosts.sim.runUntil(() -> server.connection != null, Duration.ofMillis(500)),
                "the client gets in at once, no SYN retransmission needed");
        assertEquals(1, b.tcp().stats().cookiesAccepted());
        assertEquals("ws=3/3 ts=yes sack=yes mss=1448", negotiated.getFirst(), "scale and SACK came back in the timestamp echo");
        assertTrue(hosts.sim.runUntil(() -> client.done() && server.done(), Duration.ofMinutes(1)));
        assertArrayEquals(client.toSend, server.received.toByteArray());
        assertArrayEquals(server.toSend, client.received.toByteArray());
    }

    @Test
    void aForgedCookieIsAnsweredWithAResetAndOpensNothing() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine b = hosts.host(3, 1500, CONFIG.withBacklog(1));
        List<TcpConnection> accepted = new ArrayList<>();
        b.tcp().listen(80, accepted::add);
        flood(b, 3, hosts.sim.now());
        assertEquals(2, b.tcp().stats().cookiesSent());
        long resets = b.tcp().stats().resetsSent();
        for (int i = 0; i < 100; i++) {
            inject(b, Ipv4Address.parse("10.0.0.77"), SPOOFER, 1001, 0x1000 + 1, 0x5eed_0000 + 977 * i, TcpSegment.ACK,
                    TcpSegment.Options.NONE, new byte[0], hosts.sim.now());
        }
        assertEquals(0, b.tcp().stats().cookiesAccepted());
        assertEquals(1, b.tcp().connectionCount(), "only the half-open connection of the backlog");
        assertTrue(accepted.isEmpty());
        assertEquals(resets + 100, b.tcp().stats().resetsSent(), "every forged ACK is answered with RST");
    }

    @Test
    void keepAliveKeepsALivePeerAndReportsAVanishedOneAsTimedOut() throws Exception {
        TcpConfig.KeepAlive keepAlive = new TcpConfig.KeepAlive(true, Duration.ofSeconds(30), Duration.ofSeconds(5), 3);
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG.withKeepAlive(keepAlive));
        StackEngine b = hosts.host(3, 1500, CONFIG);
        List<TcpConnection> accepted = new ArrayList<>();
        b.tcp().listen(80, accepted::add);
        TcpConnection probing = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        TcpConnection silent = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
        silent.keepAlive(false, hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> accepted.size() == 2, Duration.ofSeconds(5)));
        long sentBefore = a.tcp().stats().sent();
        hosts.sim.runFor(Duration.ofHours(2));
        assertEquals(TcpState.ESTABLISHED, probing.state(), "a live peer answers the probes");
        assertNull(probing.error());
        long probes = a.tcp().stats().sent() - sentBefore;
        assertEquals(2 * 3600 / 30, probes, 2, "one probe per 30 s of idleness, each answered at once");

        b.ipv4().configure(Hosts.config(9), hosts.sim.now()); // b vanishes: nothing for 10.0.0.3 is answered
        long vanished = hosts.sim.now();
        hosts.sim.runFor(Duration.ofSeconds(30 + 3 * 5 - 1));
        assertEquals(TcpState.ESTABLISHED, probing.state(), "not before idle + count * interval");
        assertTrue(hosts.sim.runUntil(() -> probing.state() == TcpState.CLOSED, Duration.ofSeconds(10)));
        assertEquals("timed out (keepalive: the peer stopped answering)", probing.error());
        assertTrue(hosts.sim.now() - vanished <= Duration.ofSeconds(30 + 4 * 5).toNanos());
        assertEquals(TcpState.ESTABLISHED, silent.state(), "keepalive was off for this flow: it waits, as on Linux");
        assertEquals(1, a.tcp().connectionCount());
    }
}
