package dev.morgana.types;

import java.util.HexFormat;

/** A 48-bit Ethernet address, held in the low bits of a long. */
public record MacAddress(long bits) {

    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits: " + Long.toHexString(bits));
        }
    }

    /** Parses "02:00:00:00:00:01". */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address (want six hex pairs): " + text);
        }
        long bits = 0;
        for (String part : parts) {
            if (part.length() != 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            bits = bits << 8 | HexFormat.fromHexDigits(part);
        }
        return new MacAddress(bits);
    }

    /** Six bytes in network order. */
    public byte[] toBytes() {
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        byte[] b = toBytes();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(HexFormat.of().toHexDigits(b[i]));
        }
        return sb.toString();
    }
}
