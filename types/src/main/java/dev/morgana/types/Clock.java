package dev.morgana.types;

import java.time.Instant;

/**
 * Time as the appliance sees it. Protocol engines never read a clock themselves: the runtime
 * passes them times read from a {@code Clock}, so tests can substitute a virtual one.
 */
public interface Clock {

    /** Wall-clock time (for Date headers and logs); may jump. */
    Instant now();

    /** Monotonic nanoseconds since an arbitrary origin; never goes backwards. */
    long monotonicNanos();

    /** The system clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
