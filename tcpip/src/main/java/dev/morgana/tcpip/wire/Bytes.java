package dev.morgana.tcpip.wire;

import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;

/** Big-endian field access on byte arrays and buffers, for the views and emitters. */
public final class Bytes {

    private Bytes() {}

    public static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    public static int u16(ByteBuffer b, int i) {
        return b.getShort(i) & 0xffff;
    }

    public static MacAddress mac(ByteBuffer b, int i) {
        return new MacAddress((b.getInt(i) & 0xffff_ffffL) << 16 | (b.getShort(i + 4) & 0xffffL));
    }

    public static Ipv4Address ip(ByteBuffer b, int i) {
        return new Ipv4Address(b.getInt(i));
    }

    public static void put16(byte[] out, int i, int v) {
        out[i] = (byte) (v >>> 8);
        out[i + 1] = (byte) v;
    }

    public static void put32(byte[] out, int i, int v) {
        out[i] = (byte) (v >>> 24);
        out[i + 1] = (byte) (v >>> 16);
        out[i + 2] = (byte) (v >>> 8);
        out[i + 3] = (byte) v;
    }

    public static void putMac(byte[] out, int i, MacAddress mac) {
        long v = mac.bits();
        for (int k = 0; k < 6; k++) {
            out[i + k] = (byte) (v >>> (40 - 8 * k));
        }
    }

    public static int get16(byte[] in, int i) {
        return (in[i] & 0xff) << 8 | (in[i + 1] & 0xff);
    }

    public static int get32(byte[] in, int i) {
        return (in[i] & 0xff) << 24 | (in[i + 1] & 0xff) << 16 | (in[i + 2] & 0xff) << 8 | (in[i + 3] & 0xff);
    }
}
