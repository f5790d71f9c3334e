package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RingPoolTest {

    @Test
    void aGivenRingComesBackZeroedForTheSameSize() {
        RingPool pool = new RingPool(1 << 20);
        byte[] ring = new byte[16 * 1024];
        Arrays.fill(ring, (byte) 7);
        pool.give(ring);
        assertEquals(16 * 1024, pool.pooledBytes());
        assertNotSame(ring, pool.take(32 * 1024), "another size: a new ring");
        byte[] again = pool.take(16 * 1024);
        assertSame(ring, again, "the same size: the pooled ring");
        assertArrayEquals(new byte[16 * 1024], again, "no byte of the last connection is left");
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void thePoolKeepsNoMoreThanItsBound() {
        RingPool pool = new RingPool(40_000);
        pool.give(new byte[16_000]);
        pool.give(new byte[16_000]);
        pool.give(new byte[16_000]); // would make 48,000
        assertEquals(32_000, pool.pooledBytes());
        pool.take(16_000);
        pool.take(16_000);
        assertEquals(0, pool.pooledBytes());
        assertEquals(16_000, pool.take(16_000).length, "an empty pool still hands out new rings");
    }

    @Test
    void growingARingHandsTheSmallerOneBackAndKeepsTheBytes() {
        RingPool pool = new RingPool(1 << 20);
        byte[] ring = new byte[16 * 1024];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = (byte) i;
        }
        byte[] bigger = TcpConnection.grown(ring, 100, ring.length, 1, 1 << 20, pool);
        assertEquals(32 * 1024, bigger.length);
        for (int i = 0; i < ring.length; i++) {
            assertEquals((byte) ((100 + i) % ring.length), bigger[i], "byte " + i + " in order from the head");
        }
        assertEquals(16 * 1024, pool.pooledBytes(), "the 16 KiB ring went back");
        assertSame(ring, pool.take(16 * 1024));
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RingPool(-1));
    }
}
