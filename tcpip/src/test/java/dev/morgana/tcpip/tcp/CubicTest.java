package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CUBIC (RFC 9438) against the RFC's formulas. */
@Timeout(10)
class CubicTest {

    private static final int MSS = 1000;
    private static final long S = 1_000_000_000L;

    /** A CUBIC sender grown to {@code segments} in slow start, then hit by a loss at time 0. */
    private static Cubic afterLossAt(int segments) {
        Cubic cc = new Cubic(MSS);
        while (cc.window() < segments * MSS) {
            cc.onAck(MSS, 0, -1);
        }
        assertEquals(segments * MSS, cc.window());
        cc.onSackRecovery(segments * MSS, 0);
        return cc;
    }

    @Test
    void aLossCutsTheWindowByBeta() {
        Cubic cc = afterLossAt(100);
        assertEquals(70_000, cc.window(), "beta_cubic = 0.7");
        assertEquals(70_000, cc.ssthresh());
        cc.onTimeout(70_000, 0);
        assertEquals(MSS, cc.window(), "one segment after a timeout");
        assertEquals(49_000, cc.ssthresh(), "0.7 of the window before the timeout");
    }

    @Test
    void theWindowFollowsTheCubicFunctionOfTheRfc() {
        Cubic cc = afterLossAt(100);
        // The first ACK after recovery starts the epoch at t = 0: K = cbrt((W_max - cwnd) / C).
        cc.onAck(MSS, 0, 200_000_000L);
        double k = Math.cbrt((100 - 70) / 0.4);
        assertEquals(k, cc.k(), 1e-9, "equation 2");
        assertEquals(70, cc.wCubic(0), 1e-9, "W_cubic(0) is the reduced window");
        assertEquals(100, cc.wCubic(k), 1e-9, "W_cubic(K) is W_max: the plateau");
        assertEquals(0.4 * Math.pow(2 * k - k, 3) + 100, cc.wCubic(2 * k), 1e-9, "equation 1 beyond the plateau");
        // Feed a window's worth of ACKs every 200 ms round trip; the window tracks W_cubic(t + RTT)
        // from below, and the Reno-friendly estimate (about 0.53 segments per RTT) stays below.
        long rtt = 200_000_000L;
        for (long t = rtt; t <= 8 * S; t += rtt) {
            int acks = cc.window() / MSS;
            for (int i = 0; i < acks; i++) {
                cc.onAck(MSS, t, rtt);
            }
            double expected = cc.wCubic(t / 1e9 + 0.2);
            double segments = cc.window() / (double) MSS;
            assertTrue(segments <= expected + 1, "at " + t / 1e9 + " s: " + segments + " <= W_cubic(t+RTT) " + expected);
            assertTrue(segments >= cc.wCubic(t / 1e9) - 2, "at " + t / 1e9 + " s: " + segments + " close to W_cubic(t) " + cc.wCubic(t / 1e9));
        }
        assertTrue(cc.window() > 100 * MSS, "past K the window grows beyond W_max: " + cc.window());
    }

    @Test
    void renoFriendlyRegionWinsOnShortRoundTrips() {
        Cubic cc = afterLossAt(20);
        // At 1 ms round trips for 1 s, CUBIC's curve barely moves; Reno's estimate grows by
        // alpha = 3 (1 - beta) / (1 + beta) segments per window, so it sets the window.
        long rtt = 1_000_000L;
        for (long t = rtt; t <= 200 * rtt; t += rtt) {
            int acks = cc.window() / MSS;
            for (int i = 0; i < acks; i++) {
                cc.onAck(MSS, t, rtt);
            }
        }
        assertTrue(cc.window() / (double) MSS > cc.wCubic(0.2) + 10, "Reno-friendly window above W_cubic: " + cc.window());
    }

    @Test
    void fastConvergenceReleasesBandwidthWhenLossesComeEarlier() {
        Cubic cc = afterLossAt(100);
        cc.onSackRecovery(70_000, 1);
        // The window fell below the last W_max: the new W_max is cwnd * (1 + beta) / 2.
        cc.onAck(MSS, 2, -1);
        assertEquals(70 * 1.7 / 2, cc.wCubic(cc.k()), 1e-9);
    }
}
