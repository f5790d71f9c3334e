package dev.morgana.tcpip.tcp;

import dev.morgana.types.Random;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Initial sequence numbers per RFC 6528: a 4-microsecond clock plus a keyed hash of the
 * connection's addresses and ports, so ISNs are unpredictable off-path yet increase for reused
 * 4-tuples. The key comes from the {@link Random} device once.
 */
final class IsnGenerator {

    private final Mac mac;

    IsnGenerator(Random random) {
        byte[] key = new byte[32];
        random.fill(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    int isn(int localIp, int localPort, int remoteIp, int remotePort, long nowNanos) {
        return (int) (nowNanos / 4000) + hash(localIp, localPort, remoteIp, remotePort, 0);
    }

    /**
     * The offset of a connection's timestamp clock (RFC 7323 section 7.1): per 4-tuple, so
     * timestamps reveal no host-wide uptime, yet the same for a SYN cookie's connection as for
     * the SYN-ACK that carried it.
     */
    int timestampOffset(int localIp, int localPort, int remoteIp, int remotePort) {
        return hash(localIp, localPort, remoteIp, remotePort, 4);
    }

    private int hash(int localIp, int localPort, int remoteIp, int remotePort, int at) {
        byte[] tuple = new byte[12];
        putInt(tuple, 0, localIp);
        putInt(tuple, 4, remoteIp);
        putInt(tuple, 8, localPort << 16 | remotePort);
        byte[] h;
        try {
            h = mac.doFinal(tuple);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(new GeneralSecurityException(e));
        }
        return (h[at] & 0xff) << 24 | (h[at + 1] & 0xff) << 16 | (h[at + 2] & 0xff) << 8 | (h[at + 3] & 0xff);
    }

    private static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
