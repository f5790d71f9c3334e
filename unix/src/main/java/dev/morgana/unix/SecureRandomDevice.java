package dev.morgana.unix;

import dev.morgana.types.Random;
import java.security.SecureRandom;

/** Entropy from the JDK's {@link SecureRandom} (the kernel's getrandom on Linux). */
public final class SecureRandomDevice implements Random {

    private final SecureRandom random = new SecureRandom();

    @Override
    public void fill(byte[] bytes) {
        random.nextBytes(bytes);
    }
}
