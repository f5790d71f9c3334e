package dev.morgana.tcpip.tcp;

/** NewReno congestion control (RFC 5681, RFC 6582): slow start, congestion avoidance, fast recovery. */
public final class NewReno extends LossBasedCongestionControl {

    /** Bytes acknowledged in congestion avoidance not yet turned into window growth. */
    private double avoidanceCredit;

    public NewReno(int mss) {
        super(mss);
    }

    @Override
    public void onAck(int ackedBytes, long now, long srtt) {
        if (slowStart(ackedBytes)) {
            return;
        }
        // One segment more per window of acknowledged bytes (RFC 5681 section 3.1, byte counting).
        avoidanceCredit += ackedBytes;
        if (avoidanceCredit >= cwnd) {
            avoidanceCredit -= cwnd;
            cwnd += mss;
        }
        cwnd = Math.min(cwnd, Integer.MAX_VALUE);
    }

    /** RFC 5681 equation 4: half of what is in flight, at least two segments. */
    @Override
    void reduce(int flight) {
        ssthresh = Math.max(flight / 2, 2.0 * mss);
    }

    @Override
    public void onTimeout(int flight, long now) {
        super.onTimeout(flight, now);
        avoidanceCredit = 0;
    }
}
