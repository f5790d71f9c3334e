package dev.morgana.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Algorithms for Bouncy Castle's JCA-based TLS crypto: the JDK's providers first (their AES-GCM,
 * GHASH, EC and RSA use CPU intrinsics), Bouncy Castle's provider only for what the JDK lacks
 * under Bouncy Castle's names (ChaCha20 and Poly1305 as separate primitives). The Bouncy Castle
 * provider is never registered globally.
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
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
        try {
            return super.createMac(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return Mac.getInstance(algorithm, Fallback.PROVIDER);
        }
    }
}
