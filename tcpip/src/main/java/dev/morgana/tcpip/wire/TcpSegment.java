package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * A TCP segment (RFC 9293), validated: data offset within the segment, checksum correct over the
 * pseudo-header. Options are parsed in a bounded walk over at most 40 bytes: MSS, window scale,
 * SACK-permitted and timestamps are recognised, unknown ones skipped by their length.
 *
 * @param seq the sequence number (unsigned, compared modulo 2^32 by the engine)
 * @param mss the MSS option, or -1 if absent
 * @param windowScale the window-scale shift, or -1 if absent
 * @param tsVal the timestamp value (meaningful when {@code hasTimestamps})
 * @param payload the data after the header
 */
public record TcpSegment(int sourcePort, int destinationPort, int seq, int ack, int flags, int window, int urgent,
        int mss, int windowScale, boolean sackPermitted, boolean hasTimestamps, int tsVal, int tsEcr, ByteBuffer payload) {

    public static final int HEADER_LENGTH = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;

    private static final int OPT_END = 0;
    private static final int OPT_NOP = 1;
    private static final int OPT_MSS = 2;
    private static final int OPT_WSCALE = 3;
    private static final int OPT_SACK_PERMITTED = 4;
    private static final int OPT_TIMESTAMPS = 8;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: its data plus one for SYN and one for FIN. */
    public int length() {
        return payload.remaining() + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    public static TcpSegment parse(ByteBuffer bytes, Ipv4Address source, Ipv4Address destination) throws MalformedPacketException {
        ByteBuffer b = bytes.slice();
        int length = b.remaining();
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException("tcp", "segment of " + length + " bytes is shorter than a header");
        }
        int dataOffset = (Bytes.u8(b, 12) >>> 4) * 4;
        if (dataOffset < HEADER_LENGTH || dataOffset > length) {
            throw new MalformedPacketException("tcp", "data offset " + dataOffset + " with " + length + " bytes received");
        }
        long acc = Checksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_TCP, length);
        if (Checksum.fold(Checksum.add(acc, b, 0, length)) != 0xffff) {
            throw new MalformedPacketException("tcp", "bad checksum");
        }
        int mss = -1;
        int wscale = -1;
        boolean sackOk = false;
        boolean ts = false;
        int tsVal = 0;
        int tsEcr = 0;
        // Each step consumes at least one byte, so the walk ends within 40 steps.
        for (int i = HEADER_LENGTH; i < dataOffset;) {
            int kind = Bytes.u8(b, i);
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= dataOffset) {
                throw new MalformedPacketException("tcp", "option " + kind + " without a length");
            }
            int len = Bytes.u8(b, i + 1);
            if (len < 2 || i + len > dataOffset) {
                throw new MalformedPacketException("tcp", "option " + kind + " with bad length " + len);
            }
            switch (kind) {
                case OPT_MSS -> mss = len == 4 ? Bytes.u16(b, i + 2) : mss;
                case OPT_WSCALE -> wscale = len == 3 ? Math.min(14, Bytes.u8(b, i + 2)) : wscale;
                case OPT_SACK_PERMITTED -> sackOk = len == 2 || sackOk;
                case OPT_TIMESTAMPS -> {
                    if (len == 10) {
                        ts = true;
                        tsVal = b.getInt(i + 2);
                        tsEcr = b.getInt(i + 6);
                    }
                }
                default -> { } // unknown options are skipped by their length
            }
            i += len;
        }
        return new TcpSegment(Bytes.u16(b, 0), Bytes.u16(b, 2), b.getInt(4), b.getInt(8), Bytes.u8(b, 13) & 0x3f,
                Bytes.u16(b, 14), Bytes.u16(b, 18), mss, wscale, sackOk, ts, tsVal, tsEcr, b.slice(dataOffset, length - dataOffset));
    }

    /** Header length for a segment carrying an MSS option ({@code mss > 0}) or none. */
    public static int headerLength(int mss) {
        return mss > 0 ? HEADER_LENGTH + 4 : HEADER_LENGTH;
    }

    /**
     * Writes a header at {@code off} of {@code out}, where {@code payloadLength} bytes of data
     * already follow the header (of {@link #headerLength(int)} bytes), and computes the checksum.
     *
     * @param mss the MSS option to include, or 0 for none
     */
    public static void writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int seq, int ack, int flags,
            int window, int mss, int payloadLength, Ipv4Address source, Ipv4Address destination) {
        int header = headerLength(mss);
        Bytes.put16(out, off, sourcePort);
        Bytes.put16(out, off + 2, destinationPort);
        Bytes.put32(out, off + 4, seq);
        Bytes.put32(out, off + 8, ack);
        out[off + 12] = (byte) ((header / 4) << 4);
        out[off + 13] = (byte) flags;
        Bytes.put16(out, off + 14, window);
        Bytes.put16(out, off + 16, 0);
        Bytes.put16(out, off + 18, 0);
        if (mss > 0) {
            out[off + 20] = OPT_MSS;
            out[off + 21] = 4;
            Bytes.put16(out, off + 22, mss);
        }
        int length = header + payloadLength;
        long acc = Checksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_TCP, length);
        Bytes.put16(out, off + 16, Checksum.finish(Checksum.add(acc, out, off, length)));
    }
}
