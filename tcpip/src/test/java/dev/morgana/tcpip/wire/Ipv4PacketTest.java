package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Ipv4PacketTest {

    private static ByteBuffer ip(byte[] frame) {
        return ByteBuffer.wrap(frame, 14, frame.length - 14);
    }

    @Test
    void parsesLinuxEchoRequest() throws Exception {
        Ipv4Packet p = Ipv4Packet.parse(ip(LinuxFrames.frame("icmp-echo-request")));
        assertEquals(Ipv4Address.parse("10.99.0.1"), p.source());
        assertEquals(Ipv4Address.parse("10.99.0.2"), p.destination());
        assertEquals(Ipv4Packet.PROTOCOL_ICMP, p.protocol());
        assertEquals(64, p.ttl());
        assertEquals(0xfdbf, p.identification());
        assertTrue(p.dontFragment());
        assertFalse(p.isFragment());
        assertEquals(20, p.headerLength());
        assertEquals(64, p.payload().remaining());
    }

    @Test
    void writesTheSameHeaderLinuxWrote() {
        byte[] raw = LinuxFrames.frame("icmp-echo-request");
        byte[] out = new byte[20];
        Ipv4Packet.writeHeader(out, 0, 84, 0xfdbf, true, false, 0, 64, 1, Ipv4Address.parse("10.99.0.1"), Ipv4Address.parse("10.99.0.2"));
        assertArrayEquals(Arrays.copyOfRange(raw, 14, 34), out);
    }

    @Test
    void parsesLinuxFragments() throws Exception {
        Ipv4Packet first = Ipv4Packet.parse(ip(LinuxFrames.frame("ipv4-fragment-0")));
        Ipv4Packet middle = Ipv4Packet.parse(ip(LinuxFrames.frame("ipv4-fragment-1480")));
        Ipv4Packet last = Ipv4Packet.parse(ip(LinuxFrames.frame("ipv4-fragment-2960")));
        assertTrue(first.moreFragments() && first.fragmentOffset() == 0 && first.payload().remaining() == 1480);
        assertTrue(middle.moreFragments() && middle.fragmentOffset() == 1480);
        assertTrue(!last.moreFragments() && last.fragmentOffset() == 2960 && last.payload().remaining() == 48);
        assertEquals(first.identification(), last.identification());
    }

    @Test
    void cutsEthernetPaddingAfterTotalLength() throws Exception {
        byte[] raw = LinuxFrames.frame("udp-hello");
        byte[] padded = Arrays.copyOf(raw, raw.length + 10);
        Ipv4Packet p = Ipv4Packet.parse(ip(padded));
        assertEquals(raw.length - 14, p.packet().remaining());
    }

    @Test
    void skipsOptions() throws Exception {
        byte[] raw = LinuxFrames.frame("udp-hello");
        byte[] body = Arrays.copyOfRange(raw, 34, raw.length);
        // IHL 6: one word of options (NOP NOP NOP END), then the same UDP datagram.
        byte[] packet = new byte[24 + body.length];
        System.arraycopy(raw, 14, packet, 0, 20);
        packet[0] = 0x46;
        Bytes.put16(packet, 2, packet.length);
        packet[20] = 1;
        packet[21] = 1;
        packet[22] = 1;
        packet[23] = 0;
        Bytes.put16(packet, 10, 0);
        Bytes.put16(packet, 10, Checksum.of(packet, 0, 24));
        System.arraycopy(body, 0, packet, 24, body.length);
        Ipv4Packet p = Ipv4Packet.parse(ByteBuffer.wrap(packet));
        assertEquals(24, p.headerLength());
        byte[] payload = new byte[p.payload().remaining()];
        p.payload().get(p.payload().position(), payload);
        assertArrayEquals(body, payload);
    }

    @Test
    void rejectsEveryInconsistentHeader() {
        byte[] good = Arrays.copyOfRange(LinuxFrames.frame("udp-hello"), 14, LinuxFrames.frame("udp-hello").length);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(good, 0, 19)), "truncated");
        byte[] v6 = good.clone();
        v6[0] = 0x65;
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(v6)), "version");
        byte[] ihl = withChecksum(good, 0, 0x44);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(ihl)), "IHL < 5");
        byte[] ihlLong = withChecksum(good, 0, 0x4f);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(ihlLong)), "IHL beyond packet");
        byte[] tooLong = good.clone();
        Bytes.put16(tooLong, 2, good.length + 1);
        fix(tooLong);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(tooLong)), "total length beyond frame");
        byte[] shorter = good.clone();
        Bytes.put16(shorter, 2, 19);
        fix(shorter);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(shorter)), "total length below header");
        byte[] badSum = good.clone();
        badSum[10] ^= 1;
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(badSum)), "checksum");
        byte[] beyond = good.clone();
        Bytes.put16(beyond, 6, 0x1fff);
        fix(beyond);
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(ByteBuffer.wrap(beyond)), "fragment beyond 64 KiB");
    }

    private static byte[] withChecksum(byte[] packet, int at, int value) {
        byte[] out = packet.clone();
        out[at] = (byte) value;
        fix(out);
        return out;
    }

    private static void fix(byte[] packet) {
        Bytes.put16(packet, 10, 0);
        Bytes.put16(packet, 10, Checksum.of(packet, 0, 20));
    }
}
