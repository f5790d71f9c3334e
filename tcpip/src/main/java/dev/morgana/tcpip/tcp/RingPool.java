package dev.morgana.tcpip.tcp;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Send and receive rings that ended connections gave back, for the next connections to reuse.
 * A ring lives as long as its connection, long enough for the garbage collector to promote it to
 * the old generation; a server that opens connections one after another would otherwise fill the
 * old generation with dead rings and collect it in full about once a second (the guest of
 * docs/xen.md's "Memory" grew its heap to the cap that way). Pooled rings stay live instead,
 * up to the bound given at construction. A ring comes back zeroed, so no connection sees
 * another's bytes. Not thread-safe: the owner of the {@link Tcp} drives it.
 */
final class RingPool {

    private final int maxBytes;
    private final Map<Integer, ArrayDeque<byte[]>> free = new HashMap<>();
    private long pooledBytes;

    /** @param maxBytes the most bytes the pool keeps; 0 keeps none */
    RingPool(int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("ring pool bound " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A zeroed ring of exactly {@code size} bytes: a pooled one if there is one, else a new one. */
    byte[] take(int size) {
        ArrayDeque<byte[]> rings = free.get(size);
        byte[] ring = rings == null ? null : rings.pollFirst();
        if (ring == null) {
            return new byte[size];
        }
        pooledBytes -= size;
        return ring;
    }

    /** Keeps {@code ring} for a later {@link #take} if the bound allows; the caller must not use it again. */
    void give(byte[] ring) {
        if (ring.length == 0 || pooledBytes + ring.length > maxBytes) {
            return;
        }
        Arrays.fill(ring, (byte) 0);
        free.computeIfAbsent(ring.length, size -> new ArrayDeque<>()).addFirst(ring);
        pooledBytes += ring.length;
    }

    /** Bytes held now. */
    long pooledBytes() {
        return pooledBytes;
    }
}
