package dev.morgana.tcpip.wire;

import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;

/**
 * An Ethernet II frame (no preamble, no FCS), parsed. Up to two 802.1Q/802.1ad tags are skipped:
 * {@link #etherType} is the type after them and {@link #payload} starts after them.
 *
 * <p>Outgoing frames are built in place: upper layers reserve {@link #HEADER_LENGTH} bytes at the
 * front of their buffer and {@link #writeHeader} fills them, so no layer copies the payload.
 */
public record EthernetFrame(MacAddress destination, MacAddress source, int etherType, ByteBuffer payload) {

    public static final int HEADER_LENGTH = 14;
    /** Shortest frame on the wire without FCS; shorter frames are padded. */
    public static final int MIN_LENGTH = 60;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    static final int TYPE_VLAN = 0x8100;
    static final int TYPE_QINQ = 0x88a8;
    private static final int MAX_TAGS = 2;

    /** Parses the frame between {@code frame}'s position and limit; the view shares its bytes. */
    public static EthernetFrame parse(ByteBuffer frame) throws MalformedPacketException {
        ByteBuffer b = frame.slice();
        if (b.remaining() < HEADER_LENGTH) {
            throw new MalformedPacketException("ethernet", "frame of " + b.remaining() + " bytes is shorter than a header");
        }
        int offset = 12;
        int type = Bytes.u16(b, offset);
        for (int tags = 0; type == TYPE_VLAN || type == TYPE_QINQ; tags++) {
            if (tags == MAX_TAGS) {
                throw new MalformedPacketException("ethernet", "more than " + MAX_TAGS + " VLAN tags");
            }
            offset += 4;
            if (b.remaining() < offset + 2) {
                throw new MalformedPacketException("ethernet", "truncated VLAN tag");
            }
            type = Bytes.u16(b, offset);
        }
        if (type < 0x0600) {
            throw new MalformedPacketException("ethernet", "802.3 length field " + type + " instead of an EtherType");
        }
        return new EthernetFrame(Bytes.mac(b, 0), Bytes.mac(b, 6), type, b.slice(offset + 2, b.remaining() - offset - 2));
    }

    /** Fills the first {@link #HEADER_LENGTH} bytes of {@code frame}. */
    public static void writeHeader(byte[] frame, MacAddress destination, MacAddress source, int etherType) {
        Bytes.putMac(frame, 0, destination);
        Bytes.putMac(frame, 6, source);
        Bytes.put16(frame, 12, etherType);
    }

    /** A complete frame around a copy of {@code payload}, padded to {@link #MIN_LENGTH}. */
    public static byte[] build(MacAddress destination, MacAddress source, int etherType, byte[] payload) {
        byte[] frame = new byte[Math.max(MIN_LENGTH, HEADER_LENGTH + payload.length)];
        writeHeader(frame, destination, source, etherType);
        System.arraycopy(payload, 0, frame, HEADER_LENGTH, payload.length);
        return frame;
    }
}
