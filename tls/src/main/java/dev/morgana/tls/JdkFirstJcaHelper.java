package dev.morgana.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Algorithms for Bouncy Castle's JCA-based TLS crypto: the JDK's providers first (their AES-GCM,
 * GHASH and RSA use CPU intrinsics), Bouncy Castle's provider for what the JDK lacks under
 * Bouncy Castle's names (ChaCha20 and Poly1305 as separate primitives) and for ECDSA, where
 * Bouncy Castle's dedicated P-256/P-384 arithmetic with precomputed base-point tables signs
 * faster than the JDK's (1.7x in a microbenchmark on this machine; ECDSA was a quarter of a
 * handshake). The Bouncy Castle provider is never registered globally.
 */
final class JdkFirstJcaHelper extends DefaultJcaJceHelper {

    private static final class Fallback {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    @Override
    public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
        try {
            return super.createCipher(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return Cipher.getInstance(algorithm, Fallback.PROVIDER);
        }
    }

    @Override
    public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
        if (algorithm.toUpperCase(Locale.ROOT).endsWith("WITHECDSA")) {
            return Signature.getInstance(algorithm, Fallback.PROVIDER);
        }
        return super.createSignature(algorithm);
    }

    @Override
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
        try {
            return super.createMac(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return Mac.getInstance(algorithm, Fallback.PROVIDER);
        }
    }
}
