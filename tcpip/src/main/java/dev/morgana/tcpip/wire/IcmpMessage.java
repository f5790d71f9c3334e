package dev.morgana.tcpip.wire;

import java.nio.ByteBuffer;

/**
 * An ICMPv4 message (RFC 792), checksum verified.
 *
 * @param rest the four bytes after the checksum (identifier and sequence for echo; unused or
 *     MTU for destination unreachable)
 * @param data the bytes after the 8-byte header
 */
public record IcmpMessage(int type, int code, int rest, ByteBuffer data) {

    public static final int HEADER_LENGTH = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;

    public int identifier() {
        return rest >>> 16;
    }

    public int sequence() {
        return rest & 0xffff;
    }

    /** True for the error messages to which no ICMP error may ever be answered (RFC 1122 3.2.2). */
    public boolean isError() {
        return type == DESTINATION_UNREACHABLE || type == TIME_EXCEEDED || type == 4 || type == 5 || type == 12;
    }

    public static IcmpMessage parse(ByteBuffer bytes) throws MalformedPacketException {
        ByteBuffer b = bytes.slice();
        if (b.remaining() < HEADER_LENGTH) {
            throw new MalformedPacketException("icmp", "message of " + b.remaining() + " bytes is shorter than a header");
        }
        if (Checksum.fold(Checksum.add(0, b, 0, b.remaining())) != 0xffff) {
            throw new MalformedPacketException("icmp", "bad checksum");
        }
        return new IcmpMessage(Bytes.u8(b, 0), Bytes.u8(b, 1), b.getInt(4), b.slice(HEADER_LENGTH, b.remaining() - HEADER_LENGTH));
    }

    /** Writes header and {@code data} at {@code off} of {@code out}, with the checksum. */
    public static void write(byte[] out, int off, int type, int code, int rest, ByteBuffer data) {
        out[off] = (byte) type;
        out[off + 1] = (byte) code;
        Bytes.put16(out, off + 2, 0);
        Bytes.put32(out, off + 4, rest);
        int len = data.remaining();
        data.get(data.position(), out, off + HEADER_LENGTH, len);
        Bytes.put16(out, off + 2, Checksum.of(out, off, HEADER_LENGTH + len));
    }
}
