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
        this.cwnd = initialWindow(mss);
    }

    /** RFC 5681 section 3.1 initial window. */
    static long initialWindow(int mss) {
        return mss > 2190 ? 2L * mss : mss > 1095 ? 3L * mss : 4L * mss;
    }

    @Override
    public int window() {
        return (int) Math.min(cwnd, Integer.MAX_VALUE);
    }

    @Override
    public int ssthresh() {
        return (int) Math.min(ssthresh, Integer.MAX_VALUE);
    }

    @Override
    public void onAck(int ackedBytes, long now, long srtt) {
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
    public void onFastRetransmit(int flight, long now) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = ssthresh + 3L * mss;
    }

    @Override
    public void onSackRecovery(int flight, long now) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = ssthresh;
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
    public void onRecoveryEnd(int flight, long now) {
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + (long) mss);
    }

    @Override
    public void onTimeout(int flight, long now) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = mss;
        avoidanceCredit = 0;
    }
}
