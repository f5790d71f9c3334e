package dev.morgana.tcpip.arp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.wire.ArpPacket;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArpTest {

    private static final long SECOND = 1_000_000_000L;
    private static final MacAddress US = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress PEER = MacAddress.parse("02:00:00:00:00:02");
    private static final Ipv4Address OUR_IP = Ipv4Address.parse("10.0.0.2");
    private static final Ipv4Address PEER_IP = Ipv4Address.parse("10.0.0.1");

    private final List<byte[]> sent = new ArrayList<>();
    private Ethif ethif;
    private Arp arp;

    @BeforeEach
    void setUp() {
        ethif = new Ethif(US, 1500, sent::add);
        arp = new Arp(ethif, new ArpConfig(Duration.ofSeconds(60), 4, Duration.ofSeconds(1), 3, 2, 2));
        arp.setAddress(OUR_IP, 0);
    }

    private static byte[] frame(MacAddress to, MacAddress from, ArpPacket p) {
        return EthernetFrame.build(to, from, EthernetFrame.TYPE_ARP, p.toBytes());
    }

    private static byte[] ipFrame(int marker) {
        byte[] f = new byte[60];
        f[59] = (byte) marker;
        return f;
    }

    @Test
    void announcesItsAddressWithGratuitousArp() {
        assertEquals(1, sent.size());
        byte[] expected = frame(MacAddress.BROADCAST, US, new ArpPacket(ArpPacket.REQUEST, US, OUR_IP, new MacAddress(0), OUR_IP));
        assertArrayEquals(expected, sent.getFirst());
        arp.setAddress(OUR_IP, 0);
        assertEquals(1, sent.size(), "same address: no new announcement");
        arp.setAddress(Ipv4Address.parse("10.0.0.3"), 0);
        assertEquals(2, sent.size(), "address change is announced");
    }

    @Test
    void answersLinuxRequestWithTheReplyLinuxSent() {
        List<byte[]> out = new ArrayList<>();
        Ethif twin = new Ethif(MacAddress.parse("0e:25:45:2e:77:8f"), 1500, out::add);
        Arp twinArp = new Arp(twin, ArpConfig.DEFAULT);
        twinArp.setAddress(Ipv4Address.parse("10.99.0.2"), 0);
        out.clear();
        twin.input(ByteBuffer.wrap(LinuxFrames.frame("arp-request")), 0);
        byte[] linux = LinuxFrames.frame("arp-reply");
        assertEquals(1, out.size());
        // Linux's frame was captured before padding; ours is padded with zeros to 60 bytes.
        assertArrayEquals(Arrays.copyOf(linux, 60), out.getFirst());
        assertEquals(MacAddress.parse("12:eb:87:c9:c2:ae"), twinArp.lookup(Ipv4Address.parse("10.99.0.1"), 0).orElseThrow());
    }

    @Test
    void answersRequestsForOurAddressOnly() {
        sent.clear();
        ethif.input(ByteBuffer.wrap(frame(MacAddress.BROADCAST, PEER, new ArpPacket(ArpPacket.REQUEST, PEER, PEER_IP, new MacAddress(0), OUR_IP))), 0);
        assertEquals(1, sent.size());
        assertArrayEquals(frame(PEER, US, new ArpPacket(ArpPacket.REPLY, US, OUR_IP, PEER, PEER_IP)), sent.getFirst());
        assertEquals(PEER, arp.lookup(PEER_IP, 0).orElseThrow(), "the requester is learned (RFC 826 merge)");
        ethif.input(ByteBuffer.wrap(frame(MacAddress.BROADCAST, PEER, new ArpPacket(ArpPacket.REQUEST, PEER, PEER_IP, new MacAddress(0),
                Ipv4Address.parse("10.0.0.9")))), 0);
        assertEquals(1, sent.size());
    }

    @Test
    void resolvesQueuesAndFlushesInOrder() {
        sent.clear();
        arp.sendIpv4(PEER_IP, ipFrame(1), 0);
        arp.sendIpv4(PEER_IP, ipFrame(2), 0);
        assertEquals(1, sent.size(), "one request for two packets");
        assertArrayEquals(frame(MacAddress.BROADCAST, US, new ArpPacket(ArpPacket.REQUEST, US, OUR_IP, new MacAddress(0), PEER_IP)), sent.getFirst());
        ethif.input(ByteBuffer.wrap(frame(US, PEER, new ArpPacket(ArpPacket.REPLY, PEER, PEER_IP, US, OUR_IP))), 10);
        assertEquals(3, sent.size());
        for (int i = 1; i <= 2; i++) {
            byte[] f = sent.get(i);
            assertEquals(PEER, new MacAddress(ByteBuffer.wrap(Arrays.copyOf(f, 8)).getLong() >>> 16));
            assertEquals(i, f[59]);
        }
    }

    @Test
    void boundsPendingPacketsAndRetriesThenGivesUp() {
        sent.clear();
        for (int i = 1; i <= 5; i++) {
            arp.sendIpv4(PEER_IP, ipFrame(i), 0);
        }
        assertEquals(3, arp.stats().pendingDropped(), "only the 2 newest are kept");
        arp.sendIpv4(Ipv4Address.parse("10.0.0.7"), ipFrame(9), 0);
        arp.sendIpv4(Ipv4Address.parse("10.0.0.8"), ipFrame(9), 0);
        assertEquals(4, arp.stats().pendingDropped(), "at most 2 addresses resolve at once");
        assertEquals(2, sent.size());
        arp.poll(SECOND);
        assertEquals(4, sent.size(), "second request for each");
        arp.poll(2 * SECOND);
        assertEquals(6, sent.size(), "third request");
        arp.poll(3 * SECOND);
        assertEquals(6, sent.size(), "no fourth request");
        assertEquals(2, arp.stats().resolutionsFailed());
        assertEquals(Long.MAX_VALUE, arp.nextDeadline());
    }

    @Test
    void forgetsEntriesAfterTheirLifetimeAndBoundsTheCache() {
        arp.learn(PEER_IP, PEER, 0);
        assertTrue(arp.lookup(PEER_IP, 59 * SECOND).isPresent());
        assertEquals(60 * SECOND, arp.nextDeadline());
        arp.poll(60 * SECOND);
        assertTrue(arp.lookup(PEER_IP, 60 * SECOND).isEmpty());
        assertEquals(0, arp.cacheSize());
        for (int i = 1; i <= 10; i++) {
            arp.learn(new Ipv4Address(0x0a000100 + i), new MacAddress(0x020000000100L + i), 0);
        }
        assertEquals(4, arp.cacheSize());
        assertTrue(arp.lookup(new Ipv4Address(0x0a00010a), 0).isPresent(), "newest kept");
        assertTrue(arp.lookup(new Ipv4Address(0x0a000101), 0).isEmpty(), "oldest evicted");
    }

    @Test
    void ignoresAddressConflictsAndMulticastSenders() {
        sent.clear();
        MacAddress thief = MacAddress.parse("02:00:00:00:00:66");
        ethif.input(ByteBuffer.wrap(frame(MacAddress.BROADCAST, thief, new ArpPacket(ArpPacket.REQUEST, thief, OUR_IP, new MacAddress(0), OUR_IP))), 0);
        assertEquals(1, arp.stats().conflicts());
        MacAddress multicast = MacAddress.parse("01:00:5e:00:00:01");
        ethif.input(ByteBuffer.wrap(frame(MacAddress.BROADCAST, multicast, new ArpPacket(ArpPacket.REQUEST, multicast, PEER_IP, new MacAddress(0), OUR_IP))), 0);
        assertTrue(arp.lookup(PEER_IP, 0).isEmpty());
        assertEquals(0, sent.size());
    }
}
