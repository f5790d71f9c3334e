package dev.morgana.tcpip.tcp;

/**
 * CUBIC congestion control (RFC 9438). After a loss the window follows
 * {@code W_cubic(t) = C * (t - K)^3 + W_max} (in segments, t in seconds since the congestion
 * avoidance epoch began), flat around the window where the loss happened and growing fast away
 * from it, but never below the window Reno would have reached ({@code W_est}, section 4.3).
 * Slow start and recovery are as in NewReno (RFC 9438 section 4.6 and 4.8).
 */
public final class Cubic extends LossBasedCongestionControl {

    static final double C = 0.4;
    static final double BETA = 0.7;
    private static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    /** Window (segments) just before the last reduction. */
    private double wMax;
    /** Window (bytes) just before the last reduction, for the Reno-friendly alpha switch. */
    private double cwndPrior;
    /** Start of the congestion avoidance epoch, or -1 when none started yet. */
    private long epochStart = -1;
    private double k;
    /** Reno-friendly estimate in segments. */
    private double wEst;

    public Cubic(int mss) {
        super(mss);
    }

    /** {@code W_cubic(t)} in segments for the current epoch (RFC 9438 equation 1). */
    double wCubic(double t) {
        return C * Math.pow(t - k, 3) + wMax;
    }

    /** K in seconds for the current epoch (RFC 9438 equation 2). */
    double k() {
        return k;
    }

    @Override
    public void onAck(int ackedBytes, long now, long srtt) {
        if (slowStart(ackedBytes)) {
            return;
        }
        double segments = cwnd / mss;
        if (epochStart < 0) {
            epochStart = now;
            if (segments < wMax) {
                k = Math.cbrt((wMax - segments) / C);
            } else {
                k = 0;
                wMax = segments;
            }
            wEst = segments;
        }
        double t = (now - epochStart) / 1e9;
        double rtt = srtt > 0 ? srtt / 1e9 : 0;
        double acked = (double) ackedBytes / mss;
        // Section 4.3: Reno-friendly region, alpha becomes 1 once past the window before the loss.
        double alpha = wEst * mss >= cwndPrior ? 1 : ALPHA;
        wEst += alpha * acked / segments;
        double next;
        if (wCubic(t) < wEst) {
            next = wEst;
        } else {
            // Section 4.4/4.5: aim at the window one RTT ahead, at most 1.5 times the current one.
            double target = Math.clamp(wCubic(t + rtt), segments, 1.5 * segments);
            next = segments + (target - segments) / segments * acked;
        }
        cwnd = Math.min(Math.max(cwnd, next * mss), Integer.MAX_VALUE);
    }

    /** Section 4.6 and 4.7: multiplicative decrease with fast convergence; a new epoch starts. */
    @Override
    void reduce(int flight) {
        double segments = cwnd / mss;
        cwndPrior = cwnd;
        wMax = segments < wMax ? segments * (1 + BETA) / 2 : segments;
        ssthresh = Math.max(cwnd * BETA, 2.0 * mss);
        epochStart = -1;
    }
}
