package dev.morgana.tls;

import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The server side of TLS for one configuration: turns accepted flows into {@link TlsFlow}s.
 * Holds what every connection shares (crypto provider, encoded certificates, the handshake
 * watchdog), so a connection costs only its handshake. Thread-safe; close it when the server stops.
 *
 * <p>Crypto is Bouncy Castle's {@code JcaTlsCrypto} over the JDK's providers (see
 * {@link JdkTlsCrypto}): the JDK's AES-GCM and GHASH use CPU intrinsics, which makes bulk
 * transfer several times faster than the pure-Java {@code BcTlsCrypto}.
 */
public final class TlsAcceptor implements AutoCloseable {

    /** How often the watchdog looks for overdue handshakes. */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(100);

    private final TlsConfig config;
    private final JcaTlsCrypto crypto;
    private final Prepared prepared;
    private final HandshakeWatchdog watchdog;

    /** Production defaults: the JDK's SecureRandom, the system clock, real sleeping. */
    public TlsAcceptor(TlsConfig config) {
        this(config, TlsEntropy.system(), Clock.system(), Time.system());
    }

    /**
     * @param random entropy for key shares and nonces (see {@link TlsEntropy})
     * @param clock measures handshake deadlines
     * @param time paces the watchdog that enforces them
     */
    public TlsAcceptor(TlsConfig config, SecureRandom random, Clock clock, Time time) {
        this(config, random, clock, time, WATCHDOG_TICK);
    }

    TlsAcceptor(TlsConfig config, SecureRandom random, Clock clock, Time time, Duration tick) {
        this.config = Objects.requireNonNull(config, "config");
        this.crypto = new JdkTlsCrypto(Objects.requireNonNull(random, "random"));
        this.prepared = prepare(config, crypto, random);
        this.watchdog = new HandshakeWatchdog(clock, time, tick);
    }

    /** The configuration this acceptor serves. */
    public TlsConfig config() {
        return config;
    }

    /**
     * Wraps an accepted connection. The handshake runs on the first read or write, or on
     * {@link TlsFlow#handshake()}; closing the TLS flow closes {@code transport}.
     */
    public TlsFlow wrap(Flow transport) {
        return new TlsFlow(Objects.requireNonNull(transport, "transport"),
                new SniTlsServer(crypto, prepared), watchdog, config.handshakeTimeout());
    }

    HandshakeWatchdog watchdog() {
        return watchdog;
    }

    /** Stops the watchdog; flows already wrapped keep working but are no longer timed. */
    @Override
    public void close() {
        watchdog.close();
    }

    /**
     * An identity with everything a handshake needs from it made once: its chain encoded as the
     * TLS 1.3 and TLS 1.2 Certificate messages carry it, its TLS 1.2 suites, the signature
     * schemes its key makes (best first) and, for EC keys on a NIST curve, the fast signer.
     *
     * @param ecdsaSigner the signer for the identity's EC key, or null (RSA, other curves): then
     *     the JCA signs
     */
    record PreparedIdentity(TlsIdentity identity, Certificate tls13Certificate, Certificate tls12Certificate,
            int[] suites, int[] tls13Schemes, int[] tls12Schemes, EcdsaTlsSigner ecdsaSigner) {}

    /** Every identity prepared, the first being the default. */
    record Prepared(List<PreparedIdentity> identities, int[] allSuites) {
        PreparedIdentity select(String host) {
            if (host != null) {
                for (PreparedIdentity p : identities) {
                    if (p.identity().serves(host)) {
                        return p;
                    }
                }
            }
            return identities.getFirst();
        }
    }

    private static Prepared prepare(TlsConfig config, JcaTlsCrypto crypto, SecureRandom random) {
        int[] tls13 = TlsUtils.getSupportedCipherSuites(crypto, SniTlsServer.TLS13_SUITES);
        int[] ecdsa = TlsUtils.getSupportedCipherSuites(crypto, SniTlsServer.TLS12_ECDSA_SUITES);
        int[] rsa = TlsUtils.getSupportedCipherSuites(crypto, SniTlsServer.TLS12_RSA_SUITES);
        List<PreparedIdentity> identities = new ArrayList<>();
        for (TlsIdentity identity : config.identities()) {
            TlsCertificate[] chain = new TlsCertificate[identity.chain().size()];
            for (int i = 0; i < chain.length; i++) {
                X509Certificate cert = identity.chain().get(i);
                try {
                    chain[i] = crypto.createCertificate(cert.getEncoded());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (CertificateEncodingException e) {
                    throw new IllegalArgumentException("cannot encode " + identity.source(), e);
                }
            }
            int[] suites = concat(tls13, identity.isEc() ? ecdsa : rsa);
            CertificateEntry[] entries = new CertificateEntry[chain.length];
            for (int i = 0; i < chain.length; i++) {
                entries[i] = new CertificateEntry(chain[i], null);
            }
            Certificate tls13Certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
            Certificate tls12Certificate = new Certificate(chain);
            identities.add(new PreparedIdentity(identity, tls13Certificate, tls12Certificate, suites,
                    SignatureSchemes.tls13(identity.privateKey()), SignatureSchemes.tls12(identity.privateKey()),
                    EcdsaTlsSigner.forKey(identity.privateKey(), random).orElse(null)));
        }
        int[] all = IntStream.concat(Arrays.stream(concat(tls13, ecdsa)), Arrays.stream(rsa)).toArray();
        return new Prepared(List.copyOf(identities), all);
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
    }
}
