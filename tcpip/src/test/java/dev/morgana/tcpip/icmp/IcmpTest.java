package dev.morgana.tcpip.icmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.tcpip.direct.StackEngine;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our stack, standing in for Linux's 10.99.0.2, answers Linux's packets as Linux did. */
@Timeout(10)
class IcmpTest {

    private static StackEngine linuxTwin() {
        return linuxTwin("0e:25:45:2e:77:8f", "12:eb:87:c9:c2:ae");
    }

    /** The UDP frames come from a second capture, between interfaces with other MACs. */
    private static StackEngine udpTwin() {
        return linuxTwin("ee:cb:8d:ca:a5:c1", "c2:d7:71:60:5b:ef");
    }

    private static StackEngine linuxTwin(String mac, String peerMac) {
        StackEngine e = new StackEngine(MacAddress.parse(mac), 1500,
                Optional.of(new Ipv4Config(Ipv4Address.parse("10.99.0.2"), Ipv4Address.parse("255.255.255.0"), Optional.empty())), new SeededRandom(1));
        e.start(0);
        while (e.nextFrame() != null) {
            // The gratuitous ARP is not what this test looks at.
        }
        e.arp().learn(Ipv4Address.parse("10.99.0.1"), MacAddress.parse(peerMac), 0);
        return e;
    }

    @Test
    void echoReplyEqualsLinuxReplyExceptIdentification() {
        StackEngine e = linuxTwin();
        e.input(ByteBuffer.wrap(LinuxFrames.frame("icmp-echo-request")), 0);
        byte[] ours = e.nextFrame();
        byte[] linux = LinuxFrames.frame("icmp-echo-reply");
        assertEquals(linux.length, ours.length);
        // Ethernet header, IP addresses and the whole ICMP message are identical; Linux's IP id is its own.
        assertArrayEquals(Arrays.copyOf(linux, 14), Arrays.copyOf(ours, 14));
        assertArrayEquals(Arrays.copyOfRange(linux, 26, linux.length), Arrays.copyOfRange(ours, 26, ours.length));
        assertEquals(1, e.stats().icmp().echoesAnswered());
    }

    @Test
    void portUnreachableQuotesHeaderAndEightBytesLikeRfc792() {
        StackEngine e = udpTwin();
        byte[] udp = LinuxFrames.frame("udp-hello");
        e.input(ByteBuffer.wrap(udp), 0);
        byte[] ours = e.nextFrame();
        byte[] linux = LinuxFrames.frame("icmp-port-unreachable");
        // Type 3, code 3, unused word; then the offending IP header and its first 8 payload bytes.
        assertArrayEquals(new byte[] {3, 3}, Arrays.copyOfRange(ours, 34, 36));
        assertArrayEquals(Arrays.copyOfRange(linux, 38, 42 + 28), Arrays.copyOfRange(ours, 38, ours.length));
        assertEquals(34 + 8 + 28, ours.length);
    }

    @Test
    void neverAnswersBroadcastPingsOrErrorsWithErrors() {
        StackEngine e = linuxTwin();
        byte[] request = LinuxFrames.frame("icmp-echo-request");
        // Rewrite the destination to the subnet broadcast, fixing the checksum incrementally.
        int oldDst = ByteBuffer.wrap(request).getInt(30);
        int newDst = Ipv4Address.parse("10.99.0.255").bits();
        ByteBuffer.wrap(request).putInt(30, newDst);
        int sum = ByteBuffer.wrap(request).getShort(24) & 0xffff;
        ByteBuffer.wrap(request).putShort(24, (short) dev.morgana.tcpip.wire.Checksum.update32(sum, oldDst, newDst));
        e.input(ByteBuffer.wrap(request), 0);
        assertEquals(null, e.nextFrame());
        assertEquals(1, e.stats().icmp().received());
        e.input(ByteBuffer.wrap(LinuxFrames.frame("icmp-port-unreachable")), 0);
        assertEquals(null, e.nextFrame());
    }
}
