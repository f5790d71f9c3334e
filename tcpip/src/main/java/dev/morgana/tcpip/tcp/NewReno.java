package dev.morgana.tcpip.tcp;

/** NewReno congestion control (RFC 5681, RFC 6582): slow start, congestion avoidance, fast recovery. */
public final class NewReno implements CongestionControl {

    private final int mss;
    private long cwnd;
    private long ssthresh = Integer.MAX_VALUE;
    /** Bytes acknowledged in congestion avoidance not yet turned into window growth. */
    private long avoidanceCredit;

    public NewReno(int mss) {
        this.mss = mss;
        // RFC 5681 section 3.1 initial window.
        this.cwnd = mss > 2190 ? 2L * mss : mss > 1095 ? 3L * mss : 4L * mss;
    }

    @Override
    public int window() {
        return (int) Math.min(cwnd, Integer.MAX_VALUE);
    }

    @Override
    public void onAck(int ackedBytes) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(ackedBytes, mss);
        } else {
            avoidanceCredit += ackedBytes;
            if (avoidanceCredit >= cwnd) {
                avoidanceCredit -= cwnd;
                cwnd += mss;
            }
        }
        cwnd = Math.min(cwnd, Integer.MAX_VALUE);
    }

    @Override
    public void onFastRetransmit(int flight) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = ssthresh + 3L * mss;
    }

    @Override
    public void onDuplicateAckInRecovery() {
        cwnd += mss;
    }

    @Override
    public void onPartialAck(int ackedBytes) {
        cwnd = Math.max(mss, cwnd - ackedBytes + mss);
    }

    @Override
    public void onRecoveryEnd(int flight) {
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + (long) mss);
    }

    @Override
    public void onTimeout(int flight) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = mss;
        avoidanceCredit = 0;
    }
}
