package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.wire.Bytes;
import dev.morgana.tcpip.wire.Checksum;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.tcpip.wire.UdpDatagram;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded garbage through every layer: random bytes, valid frames with random mutations, and
 * frames valid up to one layer with garbage above it. Nothing may throw, everything bad is
 * counted, and the stack still answers ping afterwards.
 */
@Timeout(60)
class GarbageTest {

    private static final MacAddress US = Hosts.mac(3);
    private static final MacAddress THEM = Hosts.mac(2);

    /** An Ethernet frame to us around an IPv4 packet with a correct header checksum. */
    private static byte[] ipFrame(SplittableRandom r, int protocol, byte[] body, boolean fragment) {
        byte[] f = new byte[dev.morgana.tcpip.ipv4.Ipv4.PAYLOAD_OFFSET + body.length];
        EthernetFrame.writeHeader(f, r.nextInt(4) == 0 ? MacAddress.BROADCAST : US, THEM, EthernetFrame.TYPE_IPV4);
        Ipv4Packet.writeHeader(f, 14, 20 + body.length, r.nextInt(8), false, fragment && r.nextBoolean(),
                fragment ? r.nextInt(8192) * 8 : 0, 1 + r.nextInt(255), protocol, Hosts.ip(2), r.nextInt(8) == 0 ? Ipv4Address.BROADCAST : Hosts.ip(3));
        if (fragment && 20 + body.length + 8 * (Bytes.get16(f, 20) & 0x1fff) > 65535) {
            Bytes.put16(f, 20, 0x2000);
            Bytes.put16(f, 24, 0);
            Bytes.put16(f, 24, Checksum.of(f, 14, 20));
        }
        System.arraycopy(body, 0, f, dev.morgana.tcpip.ipv4.Ipv4.PAYLOAD_OFFSET, body.length);
        return f;
    }

    private static byte[] random(SplittableRandom r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** A UDP datagram with a valid checksum around {@code payload}. */
    private static byte[] udp(int port, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        System.arraycopy(payload, 0, u, 8, payload.length);
        UdpDatagram.writeHeader(u, 0, 67, port, payload.length, Hosts.ip(2), Hosts.ip(3));
        return u;
    }

    private static byte[] icmp(SplittableRandom r, byte[] body) {
        byte[] m = new byte[8 + body.length];
        m[0] = (byte) r.nextInt(20);
        m[1] = (byte) r.nextInt(4);
        System.arraycopy(body, 0, m, 8, body.length);
        Bytes.put16(m, 2, Checksum.of(m, 0, m.length));
        return m;
    }

    private static byte[] dhcpLike(SplittableRandom r) {
        byte[] good = new DhcpMessage(DhcpMessage.BOOTREPLY, r.nextInt(), 0, true, Ipv4Address.ANY, Hosts.ip(9), Hosts.ip(2),
                Ipv4Address.ANY, US, Map.of(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) r.nextInt(9)},
                        DhcpMessage.OPT_LEASE_TIME, random(r, 6), DhcpMessage.OPT_SUBNET_MASK, random(r, 5))).toBytes();
        for (int i = r.nextInt(10); i > 0; i--) {
            good[236 + r.nextInt(good.length - 236)] = (byte) r.nextInt();
        }
        return r.nextBoolean() ? good : java.util.Arrays.copyOf(good, r.nextInt(good.length));
    }

    private static byte[] mutate(SplittableRandom r, byte[] frame) {
        byte[] f = frame.clone();
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    f[r.nextInt(f.length)] = (byte) r.nextInt();
                }
            }
            case 1 -> f = java.util.Arrays.copyOf(f, r.nextInt(f.length + 1));
            default -> {
                // Lengths that disagree: rewrite IP total length or UDP length.
                if (f.length > 40) {
                    Bytes.put16(f, r.nextBoolean() ? 16 : 38, r.nextInt(65536));
                }
            }
        }
        return f;
    }

    @Test
    void garbageIsCountedAndDroppedAndPingStillWorks() {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        b.udp().listen(9, (src, sport, dport, payload) -> {
            throw new IllegalStateException("a buggy handler must not take the stack down");
        });
        // A host still looking for a lease takes the DHCP garbage.
        StackEngine c = hosts.dhcpHost(4);
        SplittableRandom r = new SplittableRandom(20261124);
        List<byte[]> valid = new ArrayList<>(LinuxFrames.load("/frames/linux-frames.hex").values());
        for (int i = 0; i < 24_000; i++) {
            byte[] frame = switch (i % 8) {
                case 0 -> random(r, 1600);
                case 1 -> mutate(r, valid.get(r.nextInt(valid.size())));
                case 2 -> EthernetFrame.build(US, THEM, EthernetFrame.TYPE_ARP, random(r, 40));
                case 3 -> ipFrame(r, r.nextInt(256), random(r, 200), true);
                case 4 -> ipFrame(r, 1, mutate(r, icmp(r, random(r, 100))), false);
                case 5 -> ipFrame(r, 17, mutate(r, udp(r.nextInt(65536), random(r, 100))), false);
                case 6 -> ipFrame(r, 17, udp(68, dhcpLike(r)), false);
                case 7 -> mutate(r, ipFrame(r, 17, udp(9, random(r, 300)), r.nextBoolean()));
                default -> throw new AssertionError();
            };
            if (i % 8 == 6) {
                // DHCP replies go to the host without an address, broadcast.
                EthernetFrame.writeHeader(frame, MacAddress.BROADCAST, THEM, EthernetFrame.TYPE_IPV4);
                c.input(ByteBuffer.wrap(frame), hosts.sim.now());
                while (c.nextFrame() != null) {
                    // Its DISCOVERs are not checked here.
                }
            }
            b.input(ByteBuffer.wrap(frame), hosts.sim.now());
            b.poll(hosts.sim.now());
            while (b.nextFrame() != null) {
                // Answers to garbage (port unreachable, ARP replies) are not checked here.
            }
            if (i % 1000 == 0) {
                hosts.clock.advance(Duration.ofMillis(500));
            }
        }
        StackStats stats = b.stats();
        assertTrue(stats.ethernet().malformed() > 0 && stats.arp().malformed() > 0 && stats.ipv4().malformed() > 0
                && stats.icmp().malformed() > 0 && stats.udp().malformed() > 0, stats.lines().toString());
        assertTrue(stats.udp().handlerFailures() > 0);
        assertTrue(c.stats().dhcp().orElseThrow().malformed() > 0, c.stats().lines().toString());
        assertTrue(stats.ipv4().datagramsHeld() <= 16 && stats.ipv4().bytesHeld() <= 256 * 1024);
        List<byte[]> replies = new ArrayList<>();
        a.icmp().onEchoReply((src, id, seq, data, now) -> {
            if (id != 0xbeef || seq != 0x7777) {
                return;
            }
            byte[] d = new byte[data.remaining()];
            data.get(data.position(), d);
            replies.add(d);
        });
        a.icmp().ping(Hosts.ip(3), 0xbeef, 0x7777, ByteBuffer.wrap("still alive".getBytes()), hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> !replies.isEmpty(), Duration.ofSeconds(5)), stats.lines().toString());
        assertArrayEquals("still alive".getBytes(), replies.getFirst());
        assertEquals(b.stats().ipv4().malformed(), stats.ipv4().malformed());
    }
}
