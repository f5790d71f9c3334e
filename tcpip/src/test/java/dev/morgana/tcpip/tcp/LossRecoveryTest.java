package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loss recovery as NewReno and CUBIC share it (RFC 5681 section 3.2, RFC 6582, RFC 6675; RFC 9438
 * section 4.6 and 4.8): the algorithms differ in where the threshold falls, never in how the
 * window moves from there.
 */
@Timeout(10)
class LossRecoveryTest {

    private static final int MSS = 1000;

    static Stream<Named<IntFunction<CongestionControl>>> algorithms() {
        return Stream.of(Named.of("NewReno", NewReno::new), Named.of("CUBIC", Cubic::new));
    }

    /** A window grown well past its initial size in slow start: 20 segments. */
    private static CongestionControl grown(IntFunction<CongestionControl> algorithm) {
        CongestionControl cc = algorithm.apply(MSS);
        for (int i = 0; i < 16; i++) {
            cc.onAck(MSS, 0, -1);
        }
        assertEquals(20 * MSS, cc.window(), "slow start: one segment per ACK from the initial 4");
        return cc;
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void fastRetransmitInflatesDuplicateAcksGrowPartialAcksDeflateAndTheEndCapsTheBurst(IntFunction<CongestionControl> algorithm) {
        CongestionControl cc = grown(algorithm);
        cc.onFastRetransmit(20 * MSS, 0);
        int ssthresh = cc.ssthresh();
        assertEquals(ssthresh + 3 * MSS, cc.window(), "the threshold plus the three segments that left");
        cc.onDuplicateAckInRecovery();
        assertEquals(ssthresh + 4 * MSS, cc.window(), "one more segment left the network");
        cc.onPartialAck(2500);
        assertEquals(ssthresh + 4 * MSS - 2500 + MSS, cc.window(), "deflated by what was acknowledged, one segment added back");
        cc.onPartialAck(100 * MSS);
        assertEquals(MSS, cc.window(), "never below one segment");
        cc.onRecoveryEnd(3 * MSS, 0);
        assertEquals(Math.min(ssthresh, 4 * MSS), cc.window(), "at most what is in flight plus one segment");
        cc.onRecoveryEnd(100 * MSS, 0);
        assertEquals(ssthresh, cc.window(), "and at most the threshold");
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void sackRecoveryStartsAtTheThresholdAndATimeoutAtOneSegment(IntFunction<CongestionControl> algorithm) {
        CongestionControl cc = grown(algorithm);
        cc.onSackRecovery(20 * MSS, 0);
        assertEquals(cc.ssthresh(), cc.window(), "no inflation with SACK: the pipe counts what left");
        int threshold = cc.ssthresh();
        cc.onTimeout(threshold, 0);
        assertEquals(MSS, cc.window(), "loss window");
        assertTrue(cc.ssthresh() < threshold && cc.ssthresh() >= 2 * MSS, "the threshold falls again, to two segments at least: "
                + cc.ssthresh());
    }
}
