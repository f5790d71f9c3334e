package dev.morgana.types;

import java.time.Duration;

/** Sleeping, as a device, so simulations can replace it (Mirage's TIME). */
public interface Time {

    /** Blocks the calling (virtual) thread for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** Real sleeping with {@link Thread#sleep(Duration)}. */
    static Time system() {
        return Thread::sleep;
    }
}
