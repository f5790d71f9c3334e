package dev.morgana.tcpip.netif;

import java.time.Duration;

/**
 * What an in-memory link does to frames, each applied independently per delivered frame with
 * the switch's seeded randomness.
 *
 * @param loss probability a frame is dropped
 * @param duplication probability a frame is delivered twice
 * @param reordering probability a frame is held back by an extra {@code delay}, so later ones pass it
 * @param corruption probability one random byte of the frame is flipped
 * @param delay fixed one-way latency
 * @param jitter extra latency, uniform in [0, jitter)
 */
public record Impairments(double loss, double duplication, double reordering, double corruption, Duration delay, Duration jitter) {

    /** A perfect link with no latency. */
    public static final Impairments NONE = new Impairments(0, 0, 0, 0, Duration.ZERO, Duration.ZERO);

    public Impairments {
        for (double p : new double[] {loss, duplication, reordering, corruption}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probabilities must be within [0, 1]: " + this);
            }
        }
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("negative latency: " + this);
        }
    }
}
