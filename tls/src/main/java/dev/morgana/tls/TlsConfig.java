package dev.morgana.tls;

import dev.morgana.types.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a TLS server presents: one or more certificate identities (the first is the default, the
 * others are chosen by SNI) and the time a client may take to finish its handshake.
 *
 * @param identities at least one; the first serves clients whose SNI matches no identity (or
 *     that send none)
 * @param handshakeTimeout how long a handshake may take before the connection is closed
 */
public record TlsConfig(List<TlsIdentity> identities, Duration handshakeTimeout) {

    /** The handshake timeout used when none is given: generous for slow links, short for idlers. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsConfig {
        identities = List.copyOf(identities);
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("a TLS configuration needs at least one certificate");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
    }

    /** A certificate chain file and its key file, both PEM. */
    public record PemFiles(Path certificateChain, Path privateKey) {}

    /**
     * Loads and validates one identity from PEM files, with the default handshake timeout.
     *
     * @throws TlsConfigException naming the file if it is unreadable, malformed, mismatched, or
     *     not valid at {@code clock.now()}
     */
    public static TlsConfig fromPem(Path certificateChain, Path privateKey, Clock clock) throws IOException {
        return fromPem(List.of(new PemFiles(certificateChain, privateKey)), DEFAULT_HANDSHAKE_TIMEOUT, clock);
    }

    /**
     * Loads and validates several identities (the first is the default for SNI).
     *
     * @throws TlsConfigException naming the first bad file
     */
    public static TlsConfig fromPem(List<PemFiles> files, Duration handshakeTimeout, Clock clock)
            throws IOException {
        List<TlsIdentity> identities = new ArrayList<>();
        for (PemFiles pair : files) {
            identities.add(PemIdentityLoader.load(pair.certificateChain(), pair.privateKey(), clock.now()));
        }
        return new TlsConfig(identities, handshakeTimeout);
    }

    /** This configuration with another handshake timeout. */
    public TlsConfig withHandshakeTimeout(Duration timeout) {
        return new TlsConfig(identities, timeout);
    }

    /** The identity for a client that asked for {@code hostName} (null: none sent). */
    public TlsIdentity select(String hostName) {
        if (hostName != null) {
            for (TlsIdentity identity : identities) {
                if (identity.serves(hostName)) {
                    return identity;
                }
            }
        }
        return identities.getFirst();
    }
}
