package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TcpSegmentTest {

    private static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
    private static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");

    /** A SYN as Linux sends it: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7. */
    private static byte[] linuxSyn() {
        byte[] s = new byte[40];
        Bytes.put16(s, 0, 51234);
        Bytes.put16(s, 2, 80);
        Bytes.put32(s, 4, 0xdeadbeef);
        s[12] = (byte) (10 << 4);
        s[13] = TcpSegment.SYN;
        Bytes.put16(s, 14, 64240);
        byte[] options = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
        System.arraycopy(options, 0, s, 20, options.length);
        long acc = Checksum.pseudoHeader(A.bits(), B.bits(), 6, s.length);
        Bytes.put16(s, 16, Checksum.finish(Checksum.add(acc, s, 0, s.length)));
        return s;
    }

    @Test
    void parsesEveryOptionOfALinuxSyn() throws Exception {
        TcpSegment s = TcpSegment.parse(ByteBuffer.wrap(linuxSyn()), A, B);
        assertEquals(51234, s.sourcePort());
        assertEquals(80, s.destinationPort());
        assertEquals(0xdeadbeef, s.seq());
        assertTrue(s.has(TcpSegment.SYN));
        assertEquals(1, s.length());
        assertEquals(64240, s.window());
        assertEquals(1460, s.mss());
        assertEquals(7, s.windowScale());
        assertTrue(s.sackPermitted());
        assertTrue(s.hasTimestamps());
        assertEquals(1, s.tsVal());
        assertEquals(0, s.payload().remaining());
    }

    @Test
    void writtenSegmentsParseBackWithTheirData() throws Exception {
        byte[] data = "GET / HTTP/1.1\r\n\r\n".getBytes();
        int off = 7;
        int header = TcpSegment.headerLength(1400);
        byte[] out = new byte[off + header + data.length];
        System.arraycopy(data, 0, out, off + header, data.length);
        TcpSegment.writeHeader(out, off, 40000, 8080, 123, 456, TcpSegment.ACK | TcpSegment.PSH | TcpSegment.FIN, 5000, 1400,
                data.length, A, B);
        TcpSegment s = TcpSegment.parse(ByteBuffer.wrap(out, off, out.length - off), A, B);
        assertEquals(40000, s.sourcePort());
        assertEquals(123, s.seq());
        assertEquals(456, s.ack());
        assertEquals(1400, s.mss());
        assertEquals(-1, s.windowScale());
        assertEquals(data.length + 1, s.length());
        byte[] got = new byte[s.payload().remaining()];
        s.payload().get(got);
        assertArrayEquals(data, got);
    }

    @Test
    void rejectsBadChecksumsWrongAddressesAndBrokenHeaders() {
        byte[] syn = linuxSyn();
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(ByteBuffer.wrap(syn), A, A), "pseudo-header");
        byte[] flipped = syn.clone();
        flipped[30] ^= 1;
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(ByteBuffer.wrap(flipped), A, B));
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(ByteBuffer.wrap(syn, 0, 19), A, B));
        byte[] offset = syn.clone();
        offset[12] = (byte) (15 << 4);
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(ByteBuffer.wrap(offset), A, B));
    }

    @Test
    void rejectsOptionsRunningPastTheHeaderAndSkipsUnknownOnes() throws Exception {
        byte[] s = linuxSyn();
        s[21] = 30; // MSS option claiming 30 bytes
        long acc = Checksum.pseudoHeader(A.bits(), B.bits(), 6, s.length);
        Bytes.put16(s, 16, 0);
        Bytes.put16(s, 16, Checksum.finish(Checksum.add(acc, s, 0, s.length)));
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(ByteBuffer.wrap(s), A, B));
        byte[] u = linuxSyn();
        u[20] = (byte) 254; // an unknown option of length 4 where MSS was
        Bytes.put16(u, 16, 0);
        Bytes.put16(u, 16, Checksum.finish(Checksum.add(acc, u, 0, u.length)));
        TcpSegment parsed = TcpSegment.parse(ByteBuffer.wrap(u), A, B);
        assertEquals(-1, parsed.mss());
        assertEquals(7, parsed.windowScale());
    }

    private static byte[] written(TcpSegment.Options o, int flags) {
        byte[] out = new byte[TcpSegment.headerLength(o)];
        TcpSegment.writeHeader(out, 0, 80, 40000, 1, 2, flags, 1000, o, 0, A, B);
        return out;
    }

    @Test
    void aSynCarriesItsOptionsLaidOutAsLinuxDoes() throws Exception {
        byte[] out = written(new TcpSegment.Options(1460, 7, true, true, 0x01020304, 0, new int[0]), TcpSegment.SYN);
        assertEquals(40, out.length);
        assertEquals(10 << 4, out[12] & 0xff, "data offset: ten words");
        byte[] options = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
        assertArrayEquals(options, java.util.Arrays.copyOfRange(out, 20, 40));
        TcpSegment s = TcpSegment.parse(ByteBuffer.wrap(out), A, B);
        assertEquals(1460, s.mss());
        assertEquals(7, s.windowScale());
        assertTrue(s.sackPermitted());
        assertTrue(s.hasTimestamps());
        assertEquals(0x01020304, s.tsVal());
        assertEquals(0, s.tsEcr());
    }

    @Test
    void withoutTimestampsSackPermittedAndWindowScaleArePaddedWithNops() {
        byte[] out = written(new TcpSegment.Options(1460, 0, true, false, 0, 0, new int[0]), TcpSegment.SYN);
        byte[] options = {2, 4, 0x05, (byte) 0xb4, 1, 1, 4, 2, 1, 3, 3, 0};
        assertArrayEquals(options, java.util.Arrays.copyOfRange(out, 20, out.length));
    }

    @Test
    void sackBlocksFollowTheTimestampsAndParseBack() throws Exception {
        int[] blocks = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000};
        byte[] out = written(new TcpSegment.Options(0, -1, false, true, 5, 6, blocks), TcpSegment.ACK);
        assertEquals(20 + 12 + 4 + 24, out.length, "with timestamps only three blocks fit in 40 bytes");
        byte[] head = {1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6, 1, 1, 5, 26, 0, 0, 0x03, (byte) 0xe8};
        assertArrayEquals(head, java.util.Arrays.copyOfRange(out, 20, 40));
        TcpSegment s = TcpSegment.parse(ByteBuffer.wrap(out), A, B);
        assertArrayEquals(new int[] {1000, 2000, 3000, 4000, 5000, 6000}, s.sackBlocks());
        assertEquals(6, s.tsEcr());
        byte[] four = written(new TcpSegment.Options(0, -1, false, false, 0, 0, blocks), TcpSegment.ACK);
        assertEquals(20 + 4 + 32, four.length, "without timestamps four blocks fit");
        assertArrayEquals(blocks, TcpSegment.parse(ByteBuffer.wrap(four), A, B).sackBlocks());
    }

    @Test
    void malformedSackOptionsAreIgnored() throws Exception {
        byte[] out = written(new TcpSegment.Options(0, -1, false, false, 0, 0, new int[] {1, 2}), TcpSegment.ACK);
        out[23] = 6; // a SACK option too short for one block (then the END of the block's zero bytes)
        Bytes.put16(out, 16, 0);
        long acc = Checksum.pseudoHeader(A.bits(), B.bits(), 6, out.length);
        Bytes.put16(out, 16, Checksum.finish(Checksum.add(acc, out, 0, out.length)));
        assertEquals(0, TcpSegment.parse(ByteBuffer.wrap(out), A, B).sackBlocks().length);
    }
}
