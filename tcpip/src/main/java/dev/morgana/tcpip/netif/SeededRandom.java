package dev.morgana.tcpip.netif;

import dev.morgana.types.Random;
import java.util.SplittableRandom;

/**
 * A deterministic {@link Random} from a seed, for simulations and tests only: never for keys or
 * sequence numbers in production. Thread-safe.
 */
public final class SeededRandom implements Random {

    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized void fill(byte[] bytes) {
        random.nextBytes(bytes);
    }

    @Override
    public synchronized int nextInt() {
        return random.nextInt();
    }

    /** Uniform in [0, 1). */
    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in [0, bound). */
    public synchronized long nextLong(long bound) {
        return random.nextLong(bound);
    }
}
