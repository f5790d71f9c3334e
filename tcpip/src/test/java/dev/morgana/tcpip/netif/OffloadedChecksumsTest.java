package dev.morgana.tcpip.netif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.tcpip.wire.UdpDatagram;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OffloadedChecksumsTest {

    private static final Ipv4Address A = Ipv4Address.parse("10.99.0.1");
    private static final Ipv4Address B = Ipv4Address.parse("10.99.0.2");

    @Test
    void completesTheChecksumLinuxLeftToOffload() throws Exception {
        byte[] raw = LinuxFrames.frame("udp-hello-offloaded");
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(raw, 34, raw.length - 34), A, B),
                "as captured, the checksum is unfinished");
        ByteBuffer frame = ByteBuffer.wrap(raw);
        OffloadedChecksums.complete(frame, 0, raw.length);
        UdpDatagram d = UdpDatagram.parse(ByteBuffer.wrap(raw, 34, raw.length - 34), A, B);
        assertEquals("hello from linux", StandardCharsets.US_ASCII.decode(d.payload()).toString());
    }

    @Test
    void leavesCompleteFramesAndOtherProtocolsAsTheyAre() {
        for (String name : new String[] {"udp-hello", "icmp-echo-request", "arp-request", "ipv4-fragment-1480"}) {
            byte[] raw = LinuxFrames.frame(name);
            byte[] copy = raw.clone();
            OffloadedChecksums.complete(ByteBuffer.wrap(copy), 0, copy.length);
            assertArrayEquals(raw, copy, name);
        }
        byte[] truncated = java.util.Arrays.copyOf(LinuxFrames.frame("udp-hello-offloaded"), 40);
        byte[] copy = truncated.clone();
        OffloadedChecksums.complete(ByteBuffer.wrap(copy), 0, copy.length);
        assertArrayEquals(truncated, copy, "lengths that disagree: untouched");
    }
}
