package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * A TCP segment (RFC 9293), validated: data offset within the segment, checksum correct over the
 * pseudo-header. Options are parsed in a bounded walk over at most 40 bytes: MSS, window scale,
 * SACK-permitted, SACK blocks (RFC 2018) and timestamps (RFC 7323) are recognised, unknown ones
 * skipped by their length.
 *
 * @param seq the sequence number (unsigned, compared modulo 2^32 by the engine)
 * @param mss the MSS option, or -1 if absent
 * @param windowScale the window-scale shift, or -1 if absent
 * @param tsVal the timestamp value (meaningful when {@code hasTimestamps})
 * @param sackBlocks SACK blocks as left/right edge pairs (at most 4 blocks), empty if none
 * @param payload the data after the header
 */
public record TcpSegment(int sourcePort, int destinationPort, int seq, int ack, int flags, int window, int urgent,
        int mss, int windowScale, boolean sackPermitted, boolean hasTimestamps, int tsVal, int tsEcr, int[] sackBlocks,
        ByteBuffer payload) {

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
    private static final int OPT_SACK = 5;
    private static final int OPT_TIMESTAMPS = 8;
    private static final int MAX_OPTIONS = 40;
    private static final int[] NO_BLOCKS = new int[0];

    /**
     * Options to write. Laid out as Linux does: MSS, SACK-permitted folded into the padding
     * before the timestamps, window scale after a NOP, SACK blocks after two NOPs. SACK blocks
     * that do not fit in the 40 bytes of options are left out, the last ones first.
     *
     * @param mss the MSS option, or 0 for none
     * @param windowScale the window-scale shift, or -1 for none
     * @param timestamps whether to carry {@code tsVal} and {@code tsEcr}
     * @param sackBlocks left/right edge pairs, most important first
     */
    public record Options(int mss, int windowScale, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr,
            int[] sackBlocks) {

        public static final Options NONE = new Options(0, -1, false, false, 0, 0, NO_BLOCKS);

        public Options {
            if ((sackBlocks.length & 1) != 0 || windowScale > 14) {
                throw new IllegalArgumentException("SACK blocks come in pairs; window scale at most 14");
            }
        }

        /** Only an MSS option (or none when {@code mss <= 0}). */
        public static Options mss(int mss) {
            return new Options(Math.max(0, mss), -1, false, false, 0, 0, NO_BLOCKS);
        }

        private int fixedLength() {
            return (mss > 0 ? 4 : 0) + (timestamps ? 12 : sackPermitted ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
        }

        /** SACK blocks that fit beside the other options. */
        int blocksWritten() {
            int room = (MAX_OPTIONS - fixedLength() - 4) / 8;
            return Math.max(0, Math.min(sackBlocks.length / 2, room));
        }

        /** Bytes these options take, a multiple of 4. */
        public int length() {
            int n = blocksWritten();
            return fixedLength() + (n > 0 ? 4 + 8 * n : 0);
        }
    }

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
        int[] blocks = NO_BLOCKS;
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
                case OPT_SACK -> {
                    if (len >= 10 && (len - 2) % 8 == 0) {
                        blocks = new int[(len - 2) / 4];
                        for (int k = 0; k < blocks.length; k++) {
                            blocks[k] = b.getInt(i + 2 + 4 * k);
                        }
                    }
                }
                default -> { } // unknown options are skipped by their length
            }
            i += len;
        }
        return new TcpSegment(Bytes.u16(b, 0), Bytes.u16(b, 2), b.getInt(4), b.getInt(8), Bytes.u8(b, 13) & 0x3f,
                Bytes.u16(b, 14), Bytes.u16(b, 18), mss, wscale, sackOk, ts, tsVal, tsEcr, blocks, b.slice(dataOffset, length - dataOffset));
    }

    /** Header length for a segment carrying an MSS option ({@code mss > 0}) or none. */
    public static int headerLength(int mss) {
        return headerLength(Options.mss(mss));
    }

    /** Header length for a segment carrying {@code options}. */
    public static int headerLength(Options options) {
        return HEADER_LENGTH + options.length();
    }

    /**
     * Writes a header at {@code off} of {@code out}, where {@code payloadLength} bytes of data
     * already follow the header (of {@link #headerLength(int)} bytes), and computes the checksum.
     *
     * @param mss the MSS option to include, or 0 for none
     */
    public static void writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int seq, int ack, int flags,
            int window, int mss, int payloadLength, Ipv4Address source, Ipv4Address destination) {
        writeHeader(out, off, sourcePort, destinationPort, seq, ack, flags, window, Options.mss(mss), payloadLength, source,
                destination);
    }

    /**
     * Writes a header with {@code options} at {@code off} of {@code out}, where {@code payloadLength}
     * bytes of data already follow the header (of {@link #headerLength(Options)} bytes), and
     * computes the checksum.
     */
    public static void writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int seq, int ack, int flags,
            int window, Options options, int payloadLength, Ipv4Address source, Ipv4Address destination) {
        int header = headerLength(options);
        Bytes.put16(out, off, sourcePort);
        Bytes.put16(out, off + 2, destinationPort);
        Bytes.put32(out, off + 4, seq);
        Bytes.put32(out, off + 8, ack);
        out[off + 12] = (byte) ((header / 4) << 4);
        out[off + 13] = (byte) flags;
        Bytes.put16(out, off + 14, window);
        Bytes.put16(out, off + 16, 0);
        Bytes.put16(out, off + 18, 0);
        writeOptions(out, off + HEADER_LENGTH, options);
        int length = header + payloadLength;
        long acc = Checksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_TCP, length);
        Bytes.put16(out, off + 16, Checksum.finish(Checksum.add(acc, out, off, length)));
    }

    private static void writeOptions(byte[] out, int i, Options o) {
        if (o.mss() > 0) {
            out[i++] = OPT_MSS;
            out[i++] = 4;
            Bytes.put16(out, i, o.mss());
            i += 2;
        }
        if (o.timestamps()) {
            if (o.sackPermitted()) {
                out[i++] = OPT_SACK_PERMITTED;
                out[i++] = 2;
            } else {
                out[i++] = OPT_NOP;
                out[i++] = OPT_NOP;
            }
            out[i++] = OPT_TIMESTAMPS;
            out[i++] = 10;
            Bytes.put32(out, i, o.tsVal());
            Bytes.put32(out, i + 4, o.tsEcr());
            i += 8;
        } else if (o.sackPermitted()) {
            out[i++] = OPT_NOP;
            out[i++] = OPT_NOP;
            out[i++] = OPT_SACK_PERMITTED;
            out[i++] = 2;
        }
        if (o.windowScale() >= 0) {
            out[i++] = OPT_NOP;
            out[i++] = OPT_WSCALE;
            out[i++] = 3;
            out[i++] = (byte) o.windowScale();
        }
        int n = o.blocksWritten();
        if (n > 0) {
            out[i++] = OPT_NOP;
            out[i++] = OPT_NOP;
            out[i++] = OPT_SACK;
            out[i++] = (byte) (2 + 8 * n);
            for (int k = 0; k < 2 * n; k++) {
                Bytes.put32(out, i, o.sackBlocks()[k]);
                i += 4;
            }
        }
    }
}
