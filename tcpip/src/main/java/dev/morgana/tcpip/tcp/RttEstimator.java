package dev.morgana.tcpip.tcp;

/** The retransmission timeout of RFC 6298: smoothed RTT and its variation, with back-off. */
final class RttEstimator {

    private static final long INITIAL_RTO = 1_000_000_000L;
    /** Clock granularity G: our clock is in nanoseconds, 1 ms is a safe floor. */
    private static final long GRANULARITY = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto = INITIAL_RTO;
    /** The timeout before any back-off. */
    private long baseRto;

    RttEstimator(long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = Math.clamp(INITIAL_RTO, minRto, maxRto);
        this.baseRto = rto;
    }

    /** A round-trip measurement of a segment that was not retransmitted (Karn). */
    void sample(long rtt) {
        rtt = Math.max(rtt, 0);
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        rto = Math.clamp(srtt + Math.max(GRANULARITY, 4 * rttvar), minRto, maxRto);
        baseRto = rto;
    }

    /**
     * Undoes the back-off once new data is acknowledged, as Linux does: without timestamps, Karn's
     * rule may give no sample for long on a lossy path, and the timeout would stay at its ceiling.
     */
    void resetBackOff() {
        rto = baseRto;
    }

    /** Doubles the timeout after an expiry (section 5.5). */
    void backOff() {
        rto = Math.min(maxRto, rto * 2);
    }

    long rto() {
        return rto;
    }

    /** The smoothed RTT in nanoseconds, or -1 before the first sample. */
    long srtt() {
        return srtt;
    }
}
