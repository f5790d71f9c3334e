package dev.morgana.tcpip.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum.
 *
 * <p>Sums are accumulated in a {@code long} without folding, eight bytes per step: adding the two
 * 32-bit halves of a big-endian long is the same, modulo 0xffff, as adding its four 16-bit words.
 * {@link #fold} reduces an accumulator to 16 bits; {@link #finish} complements it. Segments added
 * one after another must each start at an even offset of the checksummed stream.
 */
public final class Checksum {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /** Adds {@code len} bytes of {@code bytes} from {@code off} to the accumulator {@code acc}. */
    public static long add(long acc, byte[] bytes, int off, int len) {
        int i = off;
        int end = off + len;
        // Four independent sums per 32 bytes let the CPU overlap the loads and adds.
        long a = 0;
        long b = 0;
        long c = 0;
        for (; i + 32 <= end; i += 32) {
            long v0 = (long) LONGS.get(bytes, i);
            long v1 = (long) LONGS.get(bytes, i + 8);
            long v2 = (long) LONGS.get(bytes, i + 16);
            long v3 = (long) LONGS.get(bytes, i + 24);
            acc += (v0 >>> 32) + (v0 & 0xffff_ffffL);
            a += (v1 >>> 32) + (v1 & 0xffff_ffffL);
            b += (v2 >>> 32) + (v2 & 0xffff_ffffL);
            c += (v3 >>> 32) + (v3 & 0xffff_ffffL);
        }
        acc += a + b + c;
        for (; i + 8 <= end; i += 8) {
            long v = (long) LONGS.get(bytes, i);
            acc += (v >>> 32) + (v & 0xffff_ffffL);
        }
        for (; i + 2 <= end; i += 2) {
            acc += (bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff);
        }
        if (i < end) {
            acc += (bytes[i] & 0xff) << 8;
        }
        return acc;
    }

    /** Adds the bytes of {@code buf} between absolute indices {@code from} (inclusive) and {@code to}. */
    public static long add(long acc, ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            return add(acc, buf.array(), buf.arrayOffset() + from, to - from);
        }
        ByteBuffer b = buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate().order(ByteOrder.BIG_ENDIAN);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long v = b.getLong(i);
            acc += (v >>> 32) + (v & 0xffff_ffffL);
        }
        for (; i + 2 <= to; i += 2) {
            acc += b.getShort(i) & 0xffff;
        }
        if (i < to) {
            acc += (b.get(i) & 0xff) << 8;
        }
        return acc;
    }

    /** The accumulator for the TCP/UDP pseudo-header (RFC 768, RFC 9293). */
    public static long pseudoHeader(int source, int destination, int protocol, int length) {
        return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + protocol + length;
    }

    /** Reduces an accumulator to a 16-bit one's complement sum. */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The checksum to put in a header: the complement of the folded sum. */
    public static int finish(long acc) {
        return ~fold(acc) & 0xffff;
    }

    /** The checksum of {@code len} bytes from {@code off}. */
    public static int of(byte[] bytes, int off, int len) {
        return finish(add(0, bytes, off, len));
    }

    /**
     * Updates {@code checksum} after a 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord}, without re-reading the data (RFC 1624, eqn. 3).
     */
    public static int update(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** {@link #update} for a 32-bit field, such as an address rewritten by NAT. */
    public static int update32(int checksum, int oldValue, int newValue) {
        return update(update(checksum, oldValue >>> 16, newValue >>> 16), oldValue & 0xffff, newValue & 0xffff);
    }
}
