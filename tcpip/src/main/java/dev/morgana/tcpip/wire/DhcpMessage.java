package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A DHCP message (RFC 2131) with its options (RFC 2132), for an Ethernet client.
 *
 * <p>Options are kept as raw values by code; an option that appears several times is the
 * concatenation of its parts (RFC 3396). The {@code sname} and {@code file} fields are not
 * parsed for overloaded options (option 52 is ignored): clients do not need them.
 */
public record DhcpMessage(int op, int xid, int secs, boolean broadcast, Ipv4Address ciaddr, Ipv4Address yiaddr,
        Ipv4Address siaddr, Ipv4Address giaddr, MacAddress chaddr, Map<Integer, byte[]> options) {

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;

    public static final int OPT_SUBNET_MASK = 1;
    public static final int OPT_ROUTER = 3;
    public static final int OPT_DNS = 6;
    public static final int OPT_REQUESTED_IP = 50;
    public static final int OPT_LEASE_TIME = 51;
    public static final int OPT_MESSAGE_TYPE = 53;
    public static final int OPT_SERVER_ID = 54;
    public static final int OPT_PARAMETER_LIST = 55;
    public static final int OPT_RENEWAL_TIME = 58;
    public static final int OPT_REBINDING_TIME = 59;
    public static final int OPT_CLIENT_ID = 61;

    private static final int FIXED_LENGTH = 236;
    private static final int MAGIC_COOKIE = 0x63825363;
    /** BOOTP's minimum message size; some relays drop shorter ones. */
    private static final int MIN_LENGTH = 300;

    public DhcpMessage {
        TreeMap<Integer, byte[]> copy = new TreeMap<>();
        options.forEach((k, v) -> copy.put(k, v.clone()));
        options = Collections.unmodifiableMap(copy);
    }

    public static DhcpMessage parse(ByteBuffer bytes) throws MalformedPacketException {
        ByteBuffer b = bytes.slice();
        if (b.remaining() < FIXED_LENGTH + 4) {
            throw new MalformedPacketException("dhcp", "message of " + b.remaining() + " bytes is too short");
        }
        int op = Bytes.u8(b, 0);
        if (op != BOOTREQUEST && op != BOOTREPLY) {
            throw new MalformedPacketException("dhcp", "op " + op);
        }
        if (Bytes.u8(b, 1) != 1 || Bytes.u8(b, 2) != 6) {
            throw new MalformedPacketException("dhcp", "hardware type is not Ethernet");
        }
        if (b.getInt(FIXED_LENGTH) != MAGIC_COOKIE) {
            throw new MalformedPacketException("dhcp", "no magic cookie");
        }
        Map<Integer, byte[]> options = new TreeMap<>();
        int i = FIXED_LENGTH + 4;
        boolean ended = false;
        while (i < b.remaining()) {
            int code = Bytes.u8(b, i++);
            if (code == 0) {
                continue;
            }
            if (code == 255) {
                ended = true;
                break;
            }
            if (i >= b.remaining()) {
                throw new MalformedPacketException("dhcp", "option " + code + " has no length");
            }
            int len = Bytes.u8(b, i++);
            if (i + len > b.remaining()) {
                throw new MalformedPacketException("dhcp", "option " + code + " of " + len + " bytes runs past the end");
            }
            byte[] value = new byte[len];
            b.get(i, value);
            options.merge(code, value, DhcpMessage::concat);
            i += len;
        }
        if (!ended) {
            throw new MalformedPacketException("dhcp", "options have no end marker");
        }
        return new DhcpMessage(op, b.getInt(4), Bytes.u16(b, 8), (Bytes.u16(b, 10) & 0x8000) != 0, Bytes.ip(b, 12),
                Bytes.ip(b, 16), Bytes.ip(b, 20), Bytes.ip(b, 24), Bytes.mac(b, 28), options);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The message's bytes; long options are split into several (RFC 3396). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_LENGTH);
        byte[] fixed = new byte[FIXED_LENGTH + 4];
        fixed[0] = (byte) op;
        fixed[1] = 1;
        fixed[2] = 6;
        Bytes.put32(fixed, 4, xid);
        Bytes.put16(fixed, 8, secs);
        Bytes.put16(fixed, 10, broadcast ? 0x8000 : 0);
        Bytes.put32(fixed, 12, ciaddr.bits());
        Bytes.put32(fixed, 16, yiaddr.bits());
        Bytes.put32(fixed, 20, siaddr.bits());
        Bytes.put32(fixed, 24, giaddr.bits());
        Bytes.putMac(fixed, 28, chaddr);
        Bytes.put32(fixed, FIXED_LENGTH, MAGIC_COOKIE);
        out.writeBytes(fixed);
        // Message type first, as many servers expect.
        Integer first = options.containsKey(OPT_MESSAGE_TYPE) ? OPT_MESSAGE_TYPE : null;
        List<Integer> codes = new ArrayList<>(options.keySet());
        if (first != null) {
            codes.remove(first);
            codes.addFirst(first);
        }
        for (int code : codes) {
            byte[] v = options.get(code);
            int at = 0;
            do {
                int n = Math.min(255, v.length - at);
                out.write(code);
                out.write(n);
                out.write(v, at, n);
                at += n;
            } while (at < v.length);
        }
        out.write(255);
        while (out.size() < MIN_LENGTH) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The DHCP message type (option 53), or 0 for plain BOOTP. */
    public int messageType() {
        byte[] v = options.get(OPT_MESSAGE_TYPE);
        return v != null && v.length == 1 ? v[0] & 0xff : 0;
    }

    public Optional<Ipv4Address> address(int option) {
        byte[] v = options.get(option);
        return v != null && v.length >= 4 ? Optional.of(Ipv4Address.of(Arrays.copyOf(v, 4))) : Optional.empty();
    }

    /** All addresses of a list option such as routers or DNS servers (trailing odd bytes ignored). */
    public List<Ipv4Address> addresses(int option) {
        byte[] v = options.getOrDefault(option, new byte[0]);
        List<Ipv4Address> out = new ArrayList<>();
        for (int i = 0; i + 4 <= v.length; i += 4) {
            out.add(Ipv4Address.of(Arrays.copyOfRange(v, i, i + 4)));
        }
        return out;
    }

    /** A 32-bit unsigned seconds option (lease, T1, T2). */
    public Optional<Long> seconds(int option) {
        byte[] v = options.get(option);
        return v != null && v.length == 4 ? Optional.of(Bytes.get32(v, 0) & 0xffff_ffffL) : Optional.empty();
    }

    /** Builder-style helper: options from code/value pairs. */
    public static Map<Integer, byte[]> options(Object... codeValuePairs) {
        Map<Integer, byte[]> out = new TreeMap<>();
        for (int i = 0; i < codeValuePairs.length; i += 2) {
            Object v = codeValuePairs[i + 1];
            byte[] bytes = switch (v) {
                case byte[] raw -> raw;
                case Ipv4Address a -> a.toBytes();
                case Integer n -> new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) (int) n};
                case Byte n -> new byte[] {n};
                default -> throw new IllegalArgumentException("option value " + v);
            };
            out.put((Integer) codeValuePairs[i], bytes);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhcpMessage m && op == m.op && xid == m.xid && secs == m.secs && broadcast == m.broadcast
                && ciaddr.equals(m.ciaddr) && yiaddr.equals(m.yiaddr) && siaddr.equals(m.siaddr) && giaddr.equals(m.giaddr)
                && chaddr.equals(m.chaddr) && options.keySet().equals(m.options.keySet())
                && options.keySet().stream().allMatch(k -> Arrays.equals(options.get(k), m.options.get(k)));
    }

    @Override
    public int hashCode() {
        return xid * 31 + chaddr.hashCode();
    }
}
