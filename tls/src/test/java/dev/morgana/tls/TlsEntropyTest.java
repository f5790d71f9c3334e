package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.types.Random;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TlsEntropyTest {

    @Test
    void secureRandomTakesEveryByteFromTheDeviceAndIgnoresSeeds() {
        AtomicInteger requested = new AtomicInteger();
        Random counting = bytes -> {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) requested.getAndIncrement();
            }
        };
        SecureRandom random = TlsEntropy.secureRandom(counting);
        random.setSeed(new byte[] {42});
        byte[] out = new byte[4];
        random.nextBytes(out);
        assertArrayEquals(new byte[] {0, 1, 2, 3}, out);
        assertArrayEquals(new byte[] {4, 5}, random.generateSeed(2));
        assertEquals(6, requested.get());
    }

    @Test
    void deviceOverSecureRandomFillsFromIt() {
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) 7);
            }
        };
        byte[] out = new byte[3];
        TlsEntropy.device(fixed).fill(out);
        assertArrayEquals(new byte[] {7, 7, 7}, out);
    }
}
