package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sender's SACK scoreboard and the RFC 6675 computations over it. */
@Timeout(10)
class SackScoreboardTest {

    private static final int MSS = 1000;

    @Test
    void blocksMergeAndTheCumulativeAckTrimsThem() {
        SackScoreboard b = new SackScoreboard();
        assertTrue(b.add(3000, 4000));
        assertTrue(b.add(5000, 6000));
        assertFalse(b.add(3200, 3800), "nothing new inside a held range");
        assertTrue(b.add(4000, 5000), "fills the gap: one range 3000-6000");
        assertEquals(1, b.rangeCount());
        assertEquals(3000, b.sackedIn(0, 10_000));
        assertTrue(b.isSacked(3000));
        assertFalse(b.isSacked(6000), "ranges are half-open");
        b.advance(3500);
        assertEquals(2500, b.sackedIn(0, 10_000));
        assertFalse(b.isSacked(3499));
        b.advance(7000);
        assertTrue(b.isEmpty());
        assertFalse(b.add(10, 10), "an empty block adds nothing");
    }

    @Test
    void scatteredBlocksAreBounded() {
        SackScoreboard b = new SackScoreboard();
        for (int i = 0; i < 1000; i++) {
            b.add(i * 10L, i * 10L + 5);
        }
        assertTrue(b.rangeCount() <= 64, "at most 64 ranges: " + b.rangeCount());
        assertTrue(b.add(0, 10_000), "a block that merges is still taken");
        assertEquals(1, b.rangeCount());
    }

    /**
     * RFC 6675 IsLost: a byte is lost once three discontiguous SACKed ranges lie above it, or
     * more than (DupThresh - 1) * SMSS SACKed bytes.
     */
    @Test
    void isLostNeedsThreeRangesOrMoreThanTwoSegmentsAbove() {
        SackScoreboard b = new SackScoreboard();
        b.add(1000, 2000); // segment 0 (0-1000) missing, segment 1 SACKed
        assertFalse(b.isLost(0, MSS), "one segment SACKed above is not enough");
        b.add(2000, 3000);
        assertFalse(b.isLost(0, MSS), "two segments (exactly 2 * SMSS bytes) are not enough");
        b.add(3000, 3001);
        assertTrue(b.isLost(0, MSS), "more than 2 * SMSS bytes above");
        SackScoreboard c = new SackScoreboard();
        c.add(1000, 1100);
        c.add(2000, 2100);
        assertFalse(c.isLost(0, MSS));
        c.add(3000, 3100);
        assertTrue(c.isLost(0, MSS), "three discontiguous ranges above");
        assertTrue(c.isLost(1500, MSS) == false, "only two ranges above 1500");
        assertEquals(1000, c.lostBoundary(MSS));
    }

    /**
     * RFC 6675 SetPipe, on a window of 10 segments of 1000 bytes, 0..10000, with segments 0 and
     * 4 lost and the others SACKed except 9 (in flight): bytes not SACKed and not lost count once,
     * retransmitted ones once more.
     */
    @Test
    void pipeCountsWhatIsStillInTheNetwork() {
        SackScoreboard b = new SackScoreboard();
        b.add(1000, 4000);
        b.add(5000, 9000);
        // Lost: below the third-highest range start... two ranges only, but 7000 bytes SACKed
        // above 0 and 4000 above 4000: both holes are lost; 9000-10000 has nothing above it.
        assertEquals(5000, b.lostBoundary(MSS), "more than 2 SMSS SACKed above 5000: the boundary");
        assertTrue(b.isLost(0, MSS));
        assertTrue(b.isLost(4000, MSS));
        assertFalse(b.isLost(9000, MSS));
        assertEquals(1000, b.pipe(0, 10_000, 0, MSS), "only segment 9 is in flight");
        assertEquals(2000, b.pipe(0, 10_000, 1000, MSS), "segment 0 retransmitted: in flight again");
        assertEquals(3000, b.pipe(0, 10_000, 5000, MSS), "segments 0 and 4 retransmitted (HighRxt 5000)");
        assertEquals(0, b.firstUnsacked(0, 5000));
        assertEquals(4000, b.firstUnsacked(1000, 5000), "the next hole after the first");
        assertEquals(-1, b.firstUnsacked(5000, 9000), "nothing unSACKed in 5000-9000");
        assertEquals(1000, b.holeEnd(0, 10_000));
        assertEquals(10_000, b.holeEnd(9000, 10_000));
        assertEquals(9000, b.highestSacked());
    }
}
