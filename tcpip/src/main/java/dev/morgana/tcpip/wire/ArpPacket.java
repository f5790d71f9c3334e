package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;

/** An ARP packet for IPv4 over Ethernet (RFC 826). */
public record ArpPacket(int operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) {

    public static final int LENGTH = 28;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    /** Parses an ARP packet; trailing Ethernet padding is ignored. */
    public static ArpPacket parse(ByteBuffer packet) throws MalformedPacketException {
        ByteBuffer b = packet.slice();
        if (b.remaining() < LENGTH) {
            throw new MalformedPacketException("arp", "packet of " + b.remaining() + " bytes, need " + LENGTH);
        }
        if (Bytes.u16(b, 0) != 1 || Bytes.u16(b, 2) != EthernetFrame.TYPE_IPV4 || Bytes.u8(b, 4) != 6 || Bytes.u8(b, 5) != 4) {
            throw new MalformedPacketException("arp", "not IPv4 over Ethernet");
        }
        int op = Bytes.u16(b, 6);
        if (op != REQUEST && op != REPLY) {
            throw new MalformedPacketException("arp", "unknown operation " + op);
        }
        return new ArpPacket(op, Bytes.mac(b, 8), Bytes.ip(b, 14), Bytes.mac(b, 18), Bytes.ip(b, 24));
    }

    /** Writes the packet at {@code off} of {@code out}. */
    public void write(byte[] out, int off) {
        Bytes.put16(out, off, 1);
        Bytes.put16(out, off + 2, EthernetFrame.TYPE_IPV4);
        out[off + 4] = 6;
        out[off + 5] = 4;
        Bytes.put16(out, off + 6, operation);
        Bytes.putMac(out, off + 8, senderMac);
        Bytes.put32(out, off + 14, senderIp.bits());
        Bytes.putMac(out, off + 18, targetMac);
        Bytes.put32(out, off + 24, targetIp.bits());
    }

    /** The packet's 28 bytes. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        write(out, 0);
        return out;
    }
}
