package dev.morgana.tcpip.netif;

import dev.morgana.types.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for deterministic simulations. Starts at 0 nanoseconds
 * (wall time: the epoch of 2026-01-01). Thread-safe; never goes backwards.
 */
public final class VirtualClock implements Clock {

    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public Instant now() {
        return ORIGIN.plusNanos(nanos.get());
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    /** Moves time forward by {@code d}. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time cannot go backwards: " + d);
        }
        nanos.addAndGet(d.toNanos());
    }

    /** Moves time to {@code t} nanoseconds if that is later than now. */
    public void advanceTo(long t) {
        nanos.accumulateAndGet(t, Math::max);
    }
}
