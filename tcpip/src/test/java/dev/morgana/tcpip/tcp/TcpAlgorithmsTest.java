package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The small algorithms under the TCP engine: RTO (RFC 6298), NewReno (RFC 5681/6582), ISNs (RFC 6528). */
@Timeout(10)
class TcpAlgorithmsTest {

    private static final long MS = 1_000_000L;

    @Test
    void retransmissionTimeoutFollowsRfc6298() {
        RttEstimator e = new RttEstimator(200 * MS, 60_000 * MS);
        assertEquals(1000 * MS, e.rto(), "initial RTO is 1 s");
        e.sample(100 * MS);
        assertEquals(100 * MS, e.srtt());
        assertEquals(300 * MS, e.rto(), "SRTT + 4 * RTTVAR = 100 + 4 * 50");
        e.backOff();
        assertEquals(600 * MS, e.rto());
        for (int i = 0; i < 20; i++) {
            e.backOff();
        }
        assertEquals(60_000 * MS, e.rto(), "bounded by the ceiling");
        e.resetBackOff();
        assertEquals(300 * MS, e.rto());
        for (int i = 0; i < 50; i++) {
            e.sample(10 * MS);
        }
        assertEquals(200 * MS, e.rto(), "bounded by the floor");
    }

    @Test
    void newRenoGrowsHalvesAndCollapses() {
        NewReno cc = new NewReno(1000);
        assertEquals(4000, cc.window(), "RFC 5681 initial window for a 1000-byte MSS");
        cc.onAck(1000, 0, -1);
        assertEquals(5000, cc.window(), "slow start: one MSS per ACK");
        cc.onFastRetransmit(10_000, 0);
        assertEquals(8000, cc.window(), "ssthresh 5000 plus three segments");
        cc.onDuplicateAckInRecovery();
        assertEquals(9000, cc.window());
        cc.onRecoveryEnd(3000, 0);
        assertEquals(4000, cc.window(), "min(ssthresh, flight + MSS)");
        cc.onAck(1000, 0, -1);
        assertEquals(5000, cc.window(), "slow start again up to ssthresh");
        cc.onAck(1000, 0, -1);
        assertEquals(5000, cc.window(), "congestion avoidance: less than a window acknowledged, no growth yet");
        cc.onAck(4000, 0, -1);
        assertEquals(6000, cc.window(), "one MSS per window acknowledged");
        cc.onTimeout(8000, 0);
        assertEquals(1000, cc.window(), "loss window after a timeout");
    }

    @Test
    void isnsDifferPerConnectionAndAdvanceWithTime() {
        IsnGenerator g = new IsnGenerator(new SeededRandom(1));
        int a = g.isn(1, 80, 2, 40000, 0);
        assertNotEquals(a, g.isn(1, 80, 2, 40001, 0), "another port, an unrelated number");
        assertEquals(a + 250, g.isn(1, 80, 2, 40000, 1_000_000), "4 microsecond ticks: 250 per millisecond");
        assertNotEquals(a, new IsnGenerator(new SeededRandom(2)).isn(1, 80, 2, 40000, 0), "another secret, another number");
    }

    @Test
    void ringBuffersGrowKeepingTheirBytesInOrderUpToTheBound() {
        byte[] ring = {5, 6, 7, 0, 0, 1, 2, 3, 4}; // 7 bytes from index 5, wrapped
        byte[] same = TcpConnection.grown(ring, 5, 7, 2, 100, new RingPool(0));
        assertTrue(same == ring, "two more bytes fit");
        byte[] grown = TcpConnection.grown(ring, 5, 7, 3, 1 << 20, new RingPool(0));
        assertEquals(16 * 1024, grown.length, "first growth: 16 KiB");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, java.util.Arrays.copyOf(grown, 7), "contents from index 0, in order");
        byte[] capped = TcpConnection.grown(new byte[16 * 1024], 0, 16 * 1024, 1, 20_000, new RingPool(0));
        assertEquals(20_000, capped.length, "doubling stops at the configured bound");
        assertEquals(16 * 1024, TcpConnection.grown(new byte[0], 0, 0, 10, 256 * 1024, new RingPool(0)).length);
    }
}
