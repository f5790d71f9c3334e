package dev.morgana.types;

/**
 * Entropy for keys, initial sequence numbers and DHCP transaction ids.
 *
 * <p>Implementations must be cryptographically strong (SecureRandom on Unix, getrandom in a
 * VM) unless they are a seeded generator made for deterministic tests. Thread-safe.
 */
public interface Random {

    /** Fills {@code bytes} with random bytes. */
    void fill(byte[] bytes);

    /** A random 32-bit value. */
    default int nextInt() {
        byte[] b = new byte[4];
        fill(b);
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
