package dev.morgana.types;

/** An IPv4 address as an unsigned 32-bit value held in an int. */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    /** Parses dotted-quad text ("10.0.0.2"); rejects anything else with a message naming it. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            bits = bits << 8 | octet;
        }
        return new Ipv4Address(bits);
    }

    /** Four bytes in network order. */
    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** The address from four bytes in network order. */
    public static Ipv4Address of(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + bytes.length);
        }
        return new Ipv4Address((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff));
    }

    /** True if {@code other} is in this address's subnet under {@code netmask}. */
    public boolean sameSubnet(Ipv4Address other, Ipv4Address netmask) {
        return (bits & netmask.bits) == (other.bits & netmask.bits);
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
    }
}
