package dev.morgana.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.crypto.TlsNonceGenerator;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Bouncy Castle's JCA-based TLS crypto over the JDK's providers (see {@link JdkFirstJcaHelper}),
 * with RSA-PSS signing mapped to the JDK's name for it. Two handshake costs are cut (measured
 * with JFR, new connection per request): X25519 runs on Bouncy Castle's raw arithmetic
 * ({@link X25519Domain}), and nonces come straight from the shared SecureRandom instead of a
 * generator seeded per connection. ECDSA handshake signatures do not come through here: the
 * server hands Bouncy Castle an {@link EcdsaTlsSigner} (a third of the JDK's CPU per P-256
 * signature); RSA keys still sign through the JCA.
 */
final class JdkTlsCrypto extends JcaTlsCrypto {

    /** Bouncy Castle asks for RSA-PSS as e.g. "SHA256WITHRSAANDMGF1"; the JDK calls it "RSASSA-PSS". */
    private static final Pattern PSS = Pattern.compile("SHA\\d+WITH(RSAANDMGF1|RSASSA-PSS)");

    JdkTlsCrypto(SecureRandom random) {
        super(new JdkFirstJcaHelper(), null, random, random);
    }

    /** AES-GCM through {@link JdkGcmCipher}; other AEADs (ChaCha20-Poly1305) as Bouncy Castle does them. */
    @Override
    protected TlsAEADCipherImpl createAEADCipher(String cipherName, String algorithm, int keySize,
            boolean isEncrypting) throws GeneralSecurityException {
        if ("AES/GCM/NoPadding".equals(cipherName)) {
            return new JdkGcmCipher(getHelper().createCipher(cipherName), isEncrypting);
        }
        return super.createAEADCipher(cipherName, algorithm, keySize, isEncrypting);
    }

    @Override
    public TlsECDomain createECDomain(TlsECConfig ecConfig) {
        if (ecConfig.getNamedGroup() == NamedGroup.x25519) {
            return new X25519Domain(this, getSecureRandom());
        }
        return super.createECDomain(ecConfig);
    }

    /**
     * Server and client randoms (and TLS 1.2 nonces) from the shared SecureRandom, which is
     * thread-safe. Bouncy Castle's default seeds a new generator for every connection, from the
     * kernel under a global lock: a tenth of a handshake's time in the profile.
     */
    @Override
    public TlsNonceGenerator createNonceGenerator(byte[] additionalSeedMaterial) {
        SecureRandom random = getSecureRandom();
        return size -> {
            byte[] nonce = new byte[size];
            random.nextBytes(nonce);
            return nonce;
        };
    }

    @Override
    protected TlsStreamSigner createStreamSigner(String algorithmName, AlgorithmParameterSpec parameter,
            PrivateKey privateKey, boolean needsRandom) throws IOException {
        if (!PSS.matcher(algorithmName.toUpperCase(Locale.ROOT)).matches()) {
            return super.createStreamSigner(algorithmName, parameter, privateKey, needsRandom);
        }
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(parameter); // hash, MGF1 and salt length, chosen by Bouncy Castle
            signer.initSign(privateKey, needsRandom ? getSecureRandom() : null);
            return new StreamSigner(signer);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    /** Feeds the signed handshake bytes into a JCA signature. */
    private static final class StreamSigner implements TlsStreamSigner {
        private final Signature signer;
        private final OutputStream out;

        StreamSigner(Signature signer) {
            this.signer = signer;
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        signer.update(b, off, len);
                    } catch (SignatureException e) {
                        throw new IOException(e);
                    }
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public byte[] getSignature() throws IOException {
            try {
                return signer.sign();
            } catch (SignatureException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
    }
}
