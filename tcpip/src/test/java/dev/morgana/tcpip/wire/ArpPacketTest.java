package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArpPacketTest {

    @Test
    void parsesAndRewritesLinuxReplyByteForByte() throws Exception {
        byte[] raw = LinuxFrames.frame("arp-reply");
        ArpPacket p = ArpPacket.parse(ByteBuffer.wrap(raw, 14, raw.length - 14));
        assertEquals(new ArpPacket(ArpPacket.REPLY, MacAddress.parse("0e:25:45:2e:77:8f"), Ipv4Address.parse("10.99.0.2"),
                MacAddress.parse("12:eb:87:c9:c2:ae"), Ipv4Address.parse("10.99.0.1")), p);
        assertArrayEquals(Arrays.copyOfRange(raw, 14, 42), p.toBytes());
    }

    @Test
    void rejectsTruncatedOtherHardwareAndUnknownOperations() {
        byte[] raw = LinuxFrames.frame("arp-request");
        assertThrows(MalformedPacketException.class, () -> ArpPacket.parse(ByteBuffer.wrap(raw, 14, 27)));
        byte[] tokenRing = raw.clone();
        tokenRing[15] = 6;
        assertThrows(MalformedPacketException.class, () -> ArpPacket.parse(ByteBuffer.wrap(tokenRing, 14, 28)));
        byte[] rarp = raw.clone();
        rarp[21] = 3;
        assertThrows(MalformedPacketException.class, () -> ArpPacket.parse(ByteBuffer.wrap(rarp, 14, 28)));
    }
}
