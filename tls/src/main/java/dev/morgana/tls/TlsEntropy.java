package dev.morgana.tls;

import dev.morgana.types.Random;
import java.io.Serial;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Objects;

/**
 * Bridges the appliance's {@link Random} device to the {@link SecureRandom} that TLS needs, so
 * key shares and nonces come from whatever entropy the target provides (SecureRandom on Unix,
 * getrandom in the VM).
 */
public final class TlsEntropy {

    private TlsEntropy() {}

    /** A SecureRandom whose every byte comes from {@code random}; seeding it is ignored. */
    public static SecureRandom secureRandom(Random random) {
        return new DeviceSecureRandom(new DeviceSpi(Objects.requireNonNull(random, "random")));
    }

    /** The Unix choice: the JDK's default strong-enough generator (NativePRNG on Linux). */
    public static SecureRandom system() {
        return new SecureRandom();
    }

    /** A {@link Random} device over a SecureRandom, for targets that have one (Unix). */
    public static Random device(SecureRandom secureRandom) {
        Objects.requireNonNull(secureRandom, "secureRandom");
        return secureRandom::nextBytes;
    }

    private static final class DeviceSecureRandom extends SecureRandom {
        @Serial
        private static final long serialVersionUID = 1L;

        DeviceSecureRandom(DeviceSpi spi) {
            super(spi, DeviceProvider.INSTANCE);
        }
    }

    private static final class DeviceSpi extends SecureRandomSpi {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient Random random;

        DeviceSpi(Random random) {
            this.random = random;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // The device gathers its own entropy; a caller's seed could only weaken it.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            random.fill(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] seed = new byte[numBytes];
            random.fill(seed);
            return seed;
        }
    }

    private static final class DeviceProvider extends Provider {
        @Serial
        private static final long serialVersionUID = 1L;
        static final DeviceProvider INSTANCE = new DeviceProvider();

        private DeviceProvider() {
            super("MorganaRandomDevice", "1", "SecureRandom over the appliance's Random device");
        }
    }
}
