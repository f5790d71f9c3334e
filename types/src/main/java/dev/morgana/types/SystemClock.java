package dev.morgana.types;

import java.time.Instant;

/** {@link Clock#system()}: the JVM's wall clock and {@link System#nanoTime()}. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }
}
