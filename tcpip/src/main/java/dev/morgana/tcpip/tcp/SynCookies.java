package dev.morgana.tcpip.tcp;

import dev.morgana.types.Random;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SYN cookies: when a listener's backlog is full, the SYN-ACK's sequence number carries what the
 * connection needs, so nothing is stored until the final ACK returns it. The cookie is
 * {@code t (5 bits) | MSS index (3 bits) | MAC (24 bits)}, where t counts 64-second periods and
 * the MAC (HMAC-SHA256, key from {@link Random}) covers the 4-tuple, the peer's ISN, t, the MSS
 * index and the option bits. The option bits (the peer's window scale, SACK-permitted) travel in
 * the low bits of our SYN-ACK's timestamp, which the peer echoes; without timestamps they are 0
 * and only the MSS survives. A cookie is valid for two to three periods (128 to 192 s).
 */
final class SynCookies {

    /** Peer MSS values a cookie can carry; the largest not above the peer's is used. */
    static final int[] MSS_TABLE = {64, 536, 1024, 1220, 1360, 1440, 1460, 8960};
    private static final long PERIOD = 64_000_000_000L;
    private static final int MAX_AGE = 2;
    /** Bit 5 of the option bits marks them as present; bits 0-3 hold the shift (15: none), bit 4 SACK. */
    static final int OPTIONS_PRESENT = 0x20;
    private static final int NO_SCALE = 0x0f;
    private static final int SACK = 0x10;
    static final int OPTION_MASK = 0x3f;

    private final Mac mac;

    SynCookies(Random random) {
        byte[] key = new byte[32];
        random.fill(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** What a valid cookie gives back. */
    record Decoded(int mss, int windowScale, boolean sackPermitted, boolean timestamps) {}

    /** Option bits for a SYN with timestamps: the peer's window scale ({@code -1} for none) and SACK-permitted. */
    static int optionBits(int windowScale, boolean sackPermitted) {
        return OPTIONS_PRESENT | (sackPermitted ? SACK : 0) | (windowScale < 0 ? NO_SCALE : Math.min(14, windowScale));
    }

    static int mssIndex(int peerMss) {
        int index = 0;
        for (int i = 0; i < MSS_TABLE.length; i++) {
            if (MSS_TABLE[i] <= peerMss) {
                index = i;
            }
        }
        return index;
    }

    /** The ISN of a cookie SYN-ACK for a SYN with sequence number {@code peerIsn}. */
    int cookie(Tcp.Key key, int localIp, int peerIsn, int peerMss, int optionBits, long now) {
        int t = (int) (now / PERIOD) & 0x1f;
        int index = mssIndex(peerMss > 0 ? peerMss : 536);
        return t << 27 | index << 24 | mac(key, localIp, peerIsn, t, index, optionBits);
    }

    /**
     * Checks the cookie an ACK returns ({@code ack - 1}) for a peer ISN of {@code seq - 1}.
     *
     * @param optionBits the low bits of the echoed timestamp, or 0 when the ACK has none
     * @return what the cookie carried, or null if it is forged, expired or not a cookie
     */
    Decoded check(Tcp.Key key, int localIp, int peerIsn, int cookie, int optionBits, long now) {
        int t = cookie >>> 27;
        int age = ((int) (now / PERIOD) - t) & 0x1f;
        if (age > MAX_AGE) {
            return null;
        }
        int index = (cookie >>> 24) & 7;
        if (mac(key, localIp, peerIsn, t, index, optionBits) != (cookie & 0xffffff)) {
            return null;
        }
        boolean present = (optionBits & OPTIONS_PRESENT) != 0;
        int shift = optionBits & NO_SCALE;
        return new Decoded(MSS_TABLE[index], present && shift != NO_SCALE ? shift : -1, present && (optionBits & SACK) != 0, present);
    }

    private int mac(Tcp.Key key, int localIp, int peerIsn, int t, int index, int optionBits) {
        byte[] in = new byte[20];
        putInt(in, 0, localIp);
        putInt(in, 4, key.remoteIp());
        putInt(in, 8, key.localPort() << 16 | key.remotePort());
        putInt(in, 12, peerIsn);
        putInt(in, 16, t << 16 | index << 8 | optionBits & OPTION_MASK);
        byte[] h = mac.doFinal(in);
        return (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | (h[2] & 0xff);
    }

    private static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
