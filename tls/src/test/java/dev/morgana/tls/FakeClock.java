package dev.morgana.tls;

import dev.morgana.types.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the test says so. */
final class FakeClock implements Clock {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public Instant now() {
        return Instant.ofEpochSecond(1_800_000_000L).plusNanos(nanos.get());
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
