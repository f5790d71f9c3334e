package dev.morgana.tcpip.tcp;

/**
 * What {@link NewReno} and {@link Cubic} share: the window and threshold in bytes, the RFC 5681
 * initial window, and loss recovery (RFC 5681 section 3.2, RFC 6582, RFC 6675), which CUBIC takes
 * unchanged from NewReno (RFC 9438 section 4.6 and 4.8), and slow start. A subclass decides only how
 * the window grows in congestion avoidance ({@link #onAck}) and where the threshold falls when a loss is detected
 * ({@link #reduce}).
 *
 * <p>The window is a {@code double}: CUBIC's growth and its multiplicative decrease by 0.7 leave
 * fractions of a byte; NewReno's steps are whole bytes, which a double holds exactly far beyond
 * any window here (2^53), so NewReno behaves as with integers.
 */
abstract sealed class LossBasedCongestionControl implements CongestionControl permits NewReno, Cubic {

    /** Sender maximum segment size in bytes. */
    final int mss;
    /** Congestion window in bytes. */
    double cwnd;
    /** Slow-start threshold in bytes; "infinite" until the first loss. */
    double ssthresh = Integer.MAX_VALUE;

    LossBasedCongestionControl(int mss) {
        this.mss = mss;
        this.cwnd = initialWindow(mss);
    }

    /** RFC 5681 section 3.1 initial window. */
    static long initialWindow(int mss) {
        return mss > 2190 ? 2L * mss : mss > 1095 ? 3L * mss : 4L * mss;
    }

    /**
     * Slow start (RFC 5681 section 3.1, RFC 9438 section 4.10): while the window is below the
     * threshold it grows by what was acknowledged, at most one segment per ACK.
     *
     * @return false, changing nothing, once the window has reached the threshold
     */
    final boolean slowStart(int ackedBytes) {
        if (cwnd >= ssthresh) {
            return false;
        }
        cwnd = Math.min(cwnd + Math.min(ackedBytes, mss), Integer.MAX_VALUE);
        return true;
    }

    /**
     * A loss was detected (duplicate ACKs, SACK or a timeout) with {@code flight} bytes
     * outstanding: set {@link #ssthresh} and remember whatever the algorithm needs of the window
     * before the loss. The caller sets the window afterwards.
     */
    abstract void reduce(int flight);

    @Override
    public final int window() {
        return (int) Math.min(cwnd, Integer.MAX_VALUE);
    }

    @Override
    public final int ssthresh() {
        return (int) Math.min(ssthresh, Integer.MAX_VALUE);
    }

    @Override
    public final void onFastRetransmit(int flight, long now) {
        reduce(flight);
        // RFC 5681 section 3.2 step 3: inflated by the three segments that left the network.
        cwnd = ssthresh + 3.0 * mss;
    }

    @Override
    public final void onSackRecovery(int flight, long now) {
        reduce(flight);
        cwnd = ssthresh;
    }

    @Override
    public final void onDuplicateAckInRecovery() {
        // RFC 5681 section 3.2 step 4.
        cwnd += mss;
    }

    @Override
    public final void onPartialAck(int ackedBytes) {
        // RFC 6582 section 3.2 step 3: deflate by what was acknowledged, add back one segment.
        cwnd = Math.max(mss, cwnd - ackedBytes + mss);
    }

    @Override
    public final void onRecoveryEnd(int flight, long now) {
        // RFC 6582 section 3.2 step 3, option 1: no burst larger than what is in flight plus one segment.
        cwnd = Math.min(ssthresh, Math.max(flight, mss) + (double) mss);
    }

    @Override
    public void onTimeout(int flight, long now) {
        reduce(flight);
        cwnd = mss;
    }
}
