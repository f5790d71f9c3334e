package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stacks talking to each other over the in-memory switch under a virtual clock. */
@Timeout(30)
class SimulationTest {

    private record Datagram(Ipv4Address source, int sourcePort, int port, byte[] payload) {}

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    private static List<Datagram> listen(StackEngine engine, int port) {
        List<Datagram> got = new ArrayList<>();
        engine.udp().listen(port, (src, sport, dport, payload) -> got.add(new Datagram(src, sport, dport, bytes(payload))));
        return got;
    }

    @Test
    void pingIsAnsweredWithTheSameData() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        hosts.host(3);
        List<byte[]> replies = new ArrayList<>();
        a.icmp().onEchoReply((src, id, seq, data, now) -> {
            if (src.equals(Hosts.ip(3)) && id == 7 && seq == 1) {
                replies.add(bytes(data));
            }
        });
        byte[] data = "ping over the memory switch".getBytes();
        a.icmp().ping(Hosts.ip(3), 7, 1, ByteBuffer.wrap(data), hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> !replies.isEmpty(), Duration.ofSeconds(5)));
        assertArrayEquals(data, replies.getFirst());
    }

    @Test
    void udpDatagramsArriveIntactIncludingEmptyOnes() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        List<Datagram> got = listen(b, 9000);
        a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.wrap("hello".getBytes()), hosts.sim.now());
        a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.allocate(0), hosts.sim.now());
        hosts.sim.runFor(Duration.ofSeconds(1));
        assertEquals(2, got.size());
        assertEquals(new Datagram(Hosts.ip(2), 4000, 9000, null).source(), got.get(0).source());
        assertArrayEquals("hello".getBytes(), got.get(0).payload());
        assertEquals(4000, got.get(0).sourcePort());
        assertArrayEquals(new byte[0], got.get(1).payload());
    }

    @Test
    void closedPortsAnswerPortUnreachableWithinTheRateLimit() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        // Resolve ARP first: while it resolves, only 8 packets are queued.
        a.udp().send(4000, Hosts.ip(3), 9999, ByteBuffer.wrap(new byte[] {0}), hosts.sim.now());
        hosts.sim.runFor(Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            a.udp().send(4000, Hosts.ip(3), 9999, ByteBuffer.wrap(new byte[] {(byte) i}), hosts.sim.now());
        }
        hosts.sim.runFor(Duration.ofMillis(10));
        assertEquals(101, b.stats().udp().noListener());
        assertEquals(1 + 10, b.stats().icmp().errorsSent(), "one, then a burst of 10");
        assertEquals(90, b.stats().icmp().errorsRateLimited());
        assertEquals(11, a.stats().icmp().received());
        hosts.sim.runFor(Duration.ofSeconds(1));
        a.udp().send(4000, Hosts.ip(3), 9999, ByteBuffer.wrap(new byte[] {1}), hosts.sim.now());
        hosts.sim.runFor(Duration.ofMillis(10));
        assertEquals(12, b.stats().icmp().errorsSent(), "tokens come back with time");
    }

    @Test
    void arpEntriesExpireAndAreResolvedAgain() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        List<Datagram> got = listen(b, 9000);
        a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.wrap(new byte[] {1}), hosts.sim.now());
        hosts.sim.runFor(Duration.ofSeconds(1));
        long requests = a.stats().arp().requestsSent();
        assertEquals(1, requests);
        assertTrue(a.arp().lookup(Hosts.ip(3), hosts.sim.now()).isPresent());
        hosts.sim.runFor(Duration.ofSeconds(61));
        assertTrue(a.arp().lookup(Hosts.ip(3), hosts.sim.now()).isEmpty(), "expired after 60 s");
        a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.wrap(new byte[] {2}), hosts.sim.now());
        hosts.sim.runFor(Duration.ofSeconds(1));
        assertEquals(2, a.stats().arp().requestsSent());
        assertEquals(2, got.size());
    }

    @Test
    void unresolvableAddressesGiveUpAfterThreeRequests() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        a.udp().send(4000, Hosts.ip(77), 9000, ByteBuffer.wrap(new byte[] {1}), hosts.sim.now());
        hosts.sim.runFor(Duration.ofSeconds(10));
        assertEquals(3, a.stats().arp().requestsSent());
        assertEquals(1, a.stats().arp().resolutionsFailed());
        assertEquals(Long.MAX_VALUE, a.nextDeadline());
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        assertEquals(hostileRun(42), hostileRun(42));
        assertTrue(!hostileRun(42).equals(hostileRun(43)), "another seed, another run");
    }

    /** Which datagrams arrived and every counter of the receiver, after a run on a hostile link. */
    private static String hostileRun(long seed) {
        Hosts hosts = new Hosts(new Impairments(0.1, 0.1, 0.1, 0.1, Duration.ofMillis(2), Duration.ofMillis(3)), seed);
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        List<Datagram> got = listen(b, 9000);
        for (int i = 0; i < 50; i++) {
            a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.wrap(new byte[] {(byte) i}), hosts.sim.now());
            hosts.sim.runFor(Duration.ofMillis(10));
        }
        hosts.sim.runFor(Duration.ofSeconds(1));
        return got.stream().map(d -> Byte.toString(d.payload()[0])).toList() + " " + b.stats() + " at " + hosts.sim.now();
    }

    @Test
    void fragmentedDatagramsSurviveAHostileLinkIntactOrNotAtAll() {
        Hosts hosts = new Hosts(new Impairments(0.05, 0.1, 0.1, 0.05, Duration.ofMillis(2), Duration.ofMillis(3)), 42);
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        List<Datagram> got = listen(b, 9000);
        SplittableRandom random = new SplittableRandom(5);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[1 + random.nextInt(6000)];
            random.nextBytes(payload);
            payload[0] = (byte) i;
            sent.add(payload);
            a.udp().send(4000, Hosts.ip(3), 9000, ByteBuffer.wrap(payload), hosts.sim.now());
            hosts.sim.runFor(Duration.ofMillis(20));
        }
        hosts.sim.runFor(Duration.ofSeconds(1));
        assertTrue(got.size() > 100, "most datagrams arrive: " + got.size());
        for (Datagram d : got) {
            assertArrayEquals(sent.get(d.payload()[0] & 0xff), d.payload(), "a delivered datagram is never corrupt");
        }
        StackStats stats = b.stats();
        assertTrue(stats.malformed() > 0, "corrupted frames were counted: " + stats.lines());
        assertTrue(hosts.network.stats().lost() > 0, "the link lost frames");
    }
}
