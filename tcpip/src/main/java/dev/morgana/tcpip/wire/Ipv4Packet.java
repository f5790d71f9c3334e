package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * An IPv4 packet (RFC 791), validated: version 4, header length at least 20 and within the
 * packet, total length within the received bytes (Ethernet padding beyond it is cut off), header
 * checksum correct, fragment within 65535 bytes. Options are skipped, not interpreted.
 *
 * @param fragmentOffset the fragment's offset in bytes (the header field times 8)
 * @param packet the whole packet, header included, cut to its total length
 * @param payload the bytes after the header
 */
public record Ipv4Packet(int tos, int identification, boolean dontFragment, boolean moreFragments, int fragmentOffset,
        int ttl, int protocol, Ipv4Address source, Ipv4Address destination, ByteBuffer packet, ByteBuffer payload) {

    public static final int MIN_HEADER = 20;
    public static final int MAX_LENGTH = 65535;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;

    /** True if this is one fragment of a larger datagram. */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    public int headerLength() {
        return packet.remaining() - payload.remaining();
    }

    public static Ipv4Packet parse(ByteBuffer bytes) throws MalformedPacketException {
        ByteBuffer b = bytes.slice();
        int available = b.remaining();
        if (available < MIN_HEADER) {
            throw new MalformedPacketException("ipv4", "packet of " + available + " bytes is shorter than a header");
        }
        int versionIhl = Bytes.u8(b, 0);
        if (versionIhl >>> 4 != 4) {
            throw new MalformedPacketException("ipv4", "version " + (versionIhl >>> 4));
        }
        int headerLength = (versionIhl & 0x0f) * 4;
        int totalLength = Bytes.u16(b, 2);
        if (headerLength < MIN_HEADER) {
            throw new MalformedPacketException("ipv4", "header length " + headerLength);
        }
        if (totalLength < headerLength || totalLength > available) {
            throw new MalformedPacketException("ipv4", "total length " + totalLength + " with header " + headerLength + " and " + available + " bytes received");
        }
        if (Checksum.fold(Checksum.add(0, b, 0, headerLength)) != 0xffff) {
            throw new MalformedPacketException("ipv4", "bad header checksum");
        }
        int flagsOffset = Bytes.u16(b, 6);
        int fragmentOffset = (flagsOffset & 0x1fff) * 8;
        if (fragmentOffset + totalLength - headerLength > MAX_LENGTH - headerLength) {
            throw new MalformedPacketException("ipv4", "fragment ends beyond 65535 bytes");
        }
        if ((flagsOffset & 0x8000) != 0) {
            throw new MalformedPacketException("ipv4", "reserved flag set");
        }
        ByteBuffer packet = b.slice(0, totalLength);
        return new Ipv4Packet(Bytes.u8(b, 1), Bytes.u16(b, 4), (flagsOffset & FLAG_DF) != 0, (flagsOffset & FLAG_MF) != 0,
                fragmentOffset, Bytes.u8(b, 8), Bytes.u8(b, 9), Bytes.ip(b, 12), Bytes.ip(b, 16),
                packet, b.slice(headerLength, totalLength - headerLength));
    }

    /**
     * Writes a 20-byte header (no options) with its checksum at {@code off} of {@code out}.
     *
     * @param totalLength header plus payload
     */
    public static void writeHeader(byte[] out, int off, int totalLength, int identification, boolean dontFragment,
            boolean moreFragments, int fragmentOffset, int ttl, int protocol, Ipv4Address source, Ipv4Address destination) {
        out[off] = 0x45;
        out[off + 1] = 0;
        Bytes.put16(out, off + 2, totalLength);
        Bytes.put16(out, off + 4, identification);
        Bytes.put16(out, off + 6, (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | (fragmentOffset / 8));
        out[off + 8] = (byte) ttl;
        out[off + 9] = (byte) protocol;
        Bytes.put16(out, off + 10, 0);
        Bytes.put32(out, off + 12, source.bits());
        Bytes.put32(out, off + 16, destination.bits());
        Bytes.put16(out, off + 10, Checksum.of(out, off, MIN_HEADER));
    }
}
