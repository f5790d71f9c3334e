package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UdpDatagramTest {

    private static final Ipv4Address A = Ipv4Address.parse("10.99.0.1");
    private static final Ipv4Address B = Ipv4Address.parse("10.99.0.2");

    private static String text(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b.duplicate()).toString();
    }

    @Test
    void parsesLinuxDatagramAndWritesTheSameBytes() throws Exception {
        byte[] raw = LinuxFrames.frame("udp-hello");
        UdpDatagram d = UdpDatagram.parse(ByteBuffer.wrap(raw, 34, raw.length - 34), A, B);
        assertEquals(5555, d.destinationPort());
        assertEquals("hello from linux", text(d.payload()));
        byte[] out = new byte[raw.length - 34];
        System.arraycopy(raw, 42, out, 8, out.length - 8);
        UdpDatagram.writeHeader(out, 0, d.sourcePort(), 5555, out.length - 8, A, B);
        assertArrayEquals(Arrays.copyOfRange(raw, 34, raw.length), out);
    }

    @Test
    void acceptsZeroChecksumAndEmptyPayload() throws Exception {
        byte[] empty = new byte[8];
        UdpDatagram.writeHeader(empty, 0, 1000, 2000, 0, A, B);
        assertEquals(0, UdpDatagram.parse(ByteBuffer.wrap(empty), A, B).payload().remaining());
        byte[] noSum = {0x03, (byte) 0xe8, 0x07, (byte) 0xd0, 0, 10, 0, 0, 'h', 'i'};
        assertEquals("hi", text(UdpDatagram.parse(ByteBuffer.wrap(noSum), A, B).payload()));
    }

    @Test
    void rejectsBadChecksumWrongPseudoHeaderAndLengthsThatDisagree() {
        byte[] raw = LinuxFrames.frame("udp-hello");
        byte[] udp = Arrays.copyOfRange(raw, 34, raw.length);
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(udp), A, Ipv4Address.parse("10.99.0.3")));
        byte[] corrupt = udp.clone();
        corrupt[10] ^= 1;
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(corrupt), A, B));
        byte[] longer = udp.clone();
        Bytes.put16(longer, 4, udp.length + 1);
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(longer), A, B));
        byte[] tiny = udp.clone();
        Bytes.put16(tiny, 4, 7);
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(tiny), A, B));
        assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(ByteBuffer.wrap(udp, 0, 7), A, B));
    }
}
