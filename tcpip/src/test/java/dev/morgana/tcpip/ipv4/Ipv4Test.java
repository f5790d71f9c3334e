package dev.morgana.tcpip.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.arp.Arp;
import dev.morgana.tcpip.arp.ArpConfig;
import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Ipv4Test {

    private static final long SECOND = 1_000_000_000L;
    private static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    private static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.1");
    private static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:02");

    private final List<byte[]> sent = new ArrayList<>();
    private final List<byte[]> delivered = new ArrayList<>();
    private Ipv4 ipv4;
    private Arp arp;

    @BeforeEach
    void setUp() {
        Ethif ethif = new Ethif(MacAddress.parse("02:00:00:00:00:01"), 1500, sent::add);
        arp = new Arp(ethif, ArpConfig.DEFAULT);
        ipv4 = new Ipv4(ethif, arp, new ReassemblyConfig(4, 8, 65535 * 2, Duration.ofSeconds(30)));
        ipv4.register(99, (packet, now) -> {
            byte[] p = new byte[packet.payload().remaining()];
            packet.payload().get(packet.payload().position(), p);
            delivered.add(p);
        });
        ipv4.configure(new Ipv4Config(US, Ipv4Address.parse("255.255.255.0"), Optional.of(PEER)), 0);
        sent.clear();
    }

    /** One fragment of datagram {@code id} carrying {@code data[from, to)}. */
    private static byte[] fragment(int id, byte[] data, int from, int to, boolean more) {
        byte[] p = new byte[20 + to - from];
        Ipv4Packet.writeHeader(p, 0, p.length, id, false, more, from, 64, 99, PEER, US);
        System.arraycopy(data, from, p, 20, to - from);
        return p;
    }

    private static byte[] data(int n) {
        byte[] d = new byte[n];
        new SplittableRandom(n).nextBytes(d);
        return d;
    }

    private void feed(byte[] packet, long now) {
        ipv4.input(ByteBuffer.wrap(packet), now);
    }

    @Test
    void reassemblesInOrder() {
        byte[] d = data(3000);
        feed(fragment(1, d, 0, 1480, true), 0);
        feed(fragment(1, d, 1480, 2960, true), 0);
        assertTrue(delivered.isEmpty());
        feed(fragment(1, d, 2960, 3000, false), 0);
        assertEquals(1, delivered.size());
        assertArrayEquals(d, delivered.getFirst());
        assertEquals(0, ipv4.stats().datagramsHeld());
    }

    @Test
    void reassemblesReversedAndDuplicated() {
        byte[] d = data(2000);
        feed(fragment(2, d, 1600, 2000, false), 0);
        feed(fragment(2, d, 1600, 2000, false), 0);
        feed(fragment(2, d, 800, 1600, true), 0);
        feed(fragment(2, d, 800, 1600, true), 0);
        feed(fragment(2, d, 0, 800, true), 0);
        assertEquals(1, delivered.size());
        assertArrayEquals(d, delivered.getFirst());
        feed(fragment(2, d, 0, 800, true), 0);
        assertEquals(1, delivered.size(), "a late duplicate starts a new datagram that never completes");
    }

    @Test
    void reassemblesTheFragmentsLinuxSent() {
        ipv4.configure(new Ipv4Config(Ipv4Address.parse("10.99.0.2"), Ipv4Address.parse("255.255.255.0"), Optional.empty()), 0);
        ipv4.register(1, (packet, now) -> delivered.add(new byte[packet.payload().remaining()]));
        for (String name : List.of("ipv4-fragment-2960", "ipv4-fragment-0", "ipv4-fragment-1480")) {
            byte[] f = LinuxFrames.frame(name);
            ipv4.input(ByteBuffer.wrap(f, 14, f.length - 14), 0);
        }
        assertEquals(1, delivered.size());
        assertEquals(3008, delivered.getFirst().length, "ICMP header and 3000 bytes of ping data");
    }

    @Test
    void dropsOverlappingFragments() {
        byte[] d = data(2000);
        feed(fragment(3, d, 0, 800, true), 0);
        feed(fragment(3, d, 400, 1200, true), 0);
        feed(fragment(3, d, 1200, 2000, false), 0);
        feed(fragment(3, d, 800, 1200, true), 0);
        assertTrue(delivered.isEmpty());
        assertEquals(1, ipv4.stats().fragmentOverlaps());
        // The same offset with other bytes is an overlap too, not a duplicate.
        byte[] other = d.clone();
        other[5] ^= 1;
        feed(fragment(4, d, 0, 800, true), 0);
        feed(fragment(4, other, 0, 800, true), 0);
        feed(fragment(4, d, 800, 2000, false), 0);
        assertTrue(delivered.isEmpty());
        assertEquals(2, ipv4.stats().fragmentOverlaps());
    }

    @Test
    void timesOutIncompleteDatagrams() {
        byte[] d = data(2000);
        feed(fragment(5, d, 0, 800, true), 0);
        assertEquals(30 * SECOND, ipv4.nextDeadline());
        ipv4.poll(30 * SECOND);
        assertEquals(1, ipv4.stats().reassemblyTimeouts());
        assertEquals(0, ipv4.stats().bytesHeld());
        feed(fragment(5, d, 800, 2000, false), 31 * SECOND);
        assertTrue(delivered.isEmpty());
    }

    @Test
    void boundsDatagramsFragmentsAndBytesUnderAFragmentBomb() {
        byte[] d = data(65000);
        for (int id = 0; id < 1000; id++) {
            feed(fragment(id, d, 0, 1480, true), 0);
            feed(fragment(id, d, 8 * 1000, 8 * 1000 + 1480, true), 0);
        }
        assertTrue(ipv4.stats().datagramsHeld() <= 4);
        for (int i = 0; i < 20; i++) {
            feed(fragment(7777, d, i * 16, i * 16 + 8, true), 0);
        }
        assertTrue(ipv4.stats().bytesHeld() <= 65535 * 2);
        assertTrue(ipv4.stats().fragmentsDropped() > 0);
        byte[] small = data(100);
        feed(fragment(8888, small, 0, 48, true), 0);
        feed(fragment(8888, small, 48, 100, false), 0);
        assertArrayEquals(small, delivered.getLast(), "a legitimate datagram still gets through");
    }

    @Test
    void routesToSubnetOrGatewayAndBroadcasts() {
        arp.learn(PEER, PEER_MAC, 0);
        byte[] seg = new byte[Ipv4.PAYLOAD_OFFSET + 4];
        assertTrue(ipv4.send(Ipv4Address.parse("8.8.8.8"), 99, seg, 0));
        byte[] out = sent.getLast();
        assertArrayEquals(PEER_MAC.toBytes(), Arrays.copyOf(out, 6), "off-subnet goes to the gateway's MAC");
        assertArrayEquals(Ipv4Address.parse("8.8.8.8").toBytes(), Arrays.copyOfRange(out, 30, 34));
        assertTrue(ipv4.send(Ipv4Address.parse("10.0.0.255"), 99, new byte[Ipv4.PAYLOAD_OFFSET + 4], 0));
        assertArrayEquals(MacAddress.BROADCAST.toBytes(), Arrays.copyOf(sent.getLast(), 6));
        ipv4.configure(new Ipv4Config(US, Ipv4Address.parse("255.255.255.0"), Optional.empty()), 0);
        assertFalse(ipv4.send(Ipv4Address.parse("8.8.8.8"), 99, new byte[Ipv4.PAYLOAD_OFFSET + 4], 0));
        assertEquals(1, ipv4.stats().noRoute());
    }

    @Test
    void fragmentsLargePacketsThatReassembleToTheSame() {
        arp.learn(PEER, PEER_MAC, 0);
        byte[] d = data(4000);
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + d.length];
        System.arraycopy(d, 0, frame, Ipv4.PAYLOAD_OFFSET, d.length);
        ipv4.send(PEER, 99, frame, 0);
        assertEquals(3, sent.size());
        // Feed them back as if the peer sent them to us, in reverse.
        ipv4.configure(new Ipv4Config(PEER, Ipv4Address.parse("255.255.255.0"), Optional.empty()), 0);
        for (int i = sent.size() - 1; i >= 0; i--) {
            byte[] f = sent.get(i);
            assertTrue(f.length - EthernetFrame.HEADER_LENGTH <= 1500);
            ipv4.input(ByteBuffer.wrap(f, 14, f.length - 14), 0);
        }
        // The source is 10.0.0.2 (us before), destination 10.0.0.1 (us now).
        assertArrayEquals(d, delivered.getLast());
    }

    @Test
    void dropsPacketsForOthersMartiansAndZeroTtl() {
        byte[] p = new byte[24];
        Ipv4Packet.writeHeader(p, 0, 24, 1, false, false, 0, 64, 99, PEER, Ipv4Address.parse("10.0.0.3"));
        feed(p, 0);
        assertEquals(1, ipv4.stats().notForUs());
        Ipv4Packet.writeHeader(p, 0, 24, 1, false, false, 0, 64, 99, Ipv4Address.parse("127.0.0.1"), US);
        feed(p, 0);
        Ipv4Packet.writeHeader(p, 0, 24, 1, false, false, 0, 0, 99, PEER, US);
        feed(p, 0);
        assertEquals(2, ipv4.stats().malformed());
        Ipv4Packet.writeHeader(p, 0, 24, 1, false, false, 0, 1, 42, PEER, US);
        feed(p, 0);
        assertEquals(1, ipv4.stats().unknownProtocol());
        assertTrue(delivered.isEmpty());
    }
}
