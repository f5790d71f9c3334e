package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * A UDP datagram (RFC 768): length field within the IP payload (extra bytes cut off), checksum
 * verified against the pseudo-header when present (non-zero).
 */
public record UdpDatagram(int sourcePort, int destinationPort, ByteBuffer payload) {

    public static final int HEADER_LENGTH = 8;
    /** Largest payload in one IPv4 datagram without options. */
    public static final int MAX_PAYLOAD = 65535 - Ipv4Packet.MIN_HEADER - HEADER_LENGTH;

    public static UdpDatagram parse(ByteBuffer bytes, Ipv4Address source, Ipv4Address destination) throws MalformedPacketException {
        ByteBuffer b = bytes.slice();
        if (b.remaining() < HEADER_LENGTH) {
            throw new MalformedPacketException("udp", "datagram of " + b.remaining() + " bytes is shorter than a header");
        }
        int length = Bytes.u16(b, 4);
        if (length < HEADER_LENGTH || length > b.remaining()) {
            throw new MalformedPacketException("udp", "length field " + length + " with " + b.remaining() + " bytes received");
        }
        if (Bytes.u16(b, 6) != 0) {
            long acc = Checksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_UDP, length);
            if (Checksum.fold(Checksum.add(acc, b, 0, length)) != 0xffff) {
                throw new MalformedPacketException("udp", "bad checksum");
            }
        }
        return new UdpDatagram(Bytes.u16(b, 0), Bytes.u16(b, 2), b.slice(HEADER_LENGTH, length - HEADER_LENGTH));
    }

    /**
     * Writes the header at {@code off} of {@code out}, where the payload of {@code payloadLength}
     * bytes already follows it, and computes the checksum (0 is sent as 0xffff).
     */
    public static void writeHeader(byte[] out, int off, int sourcePort, int destinationPort, int payloadLength,
            Ipv4Address source, Ipv4Address destination) {
        int length = HEADER_LENGTH + payloadLength;
        Bytes.put16(out, off, sourcePort);
        Bytes.put16(out, off + 2, destinationPort);
        Bytes.put16(out, off + 4, length);
        Bytes.put16(out, off + 6, 0);
        long acc = Checksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_UDP, length);
        int sum = Checksum.finish(Checksum.add(acc, out, off, length));
        Bytes.put16(out, off + 6, sum == 0 ? 0xffff : sum);
    }
}
