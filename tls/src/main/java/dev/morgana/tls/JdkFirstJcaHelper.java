package dev.morgana.tls;

import java.security.AlgorithmParameters;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>A handshake asks for a few dozen digests, HMACs and ciphers; looking each up by name walks
 * every installed provider (a tenth of a handshake's CPU in the profile). So each algorithm is
 * looked up once: digests and HMACs are then cloned from an unused prototype, the others are made
 * by the provider found the first time (signatures keep the JDK's choice by key). Thread-safe.
 */
final class JdkFirstJcaHelper extends DefaultJcaJceHelper {

    private static final class Fallback {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    /** Never initialised nor updated, only cloned, so sharing them between threads is safe. */
    private final Map<String, MessageDigest> digests = new ConcurrentHashMap<>();
    private final Map<String, Mac> macs = new ConcurrentHashMap<>();
    private final Map<String, Provider> cipherProviders = new ConcurrentHashMap<>();
    private final Map<String, Provider> parameterProviders = new ConcurrentHashMap<>();

    @Override
    public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
        Provider known = cipherProviders.get(algorithm);
        if (known != null) {
            return Cipher.getInstance(algorithm, known);
        }
        Cipher cipher;
        try {
            cipher = super.createCipher(algorithm);
        } catch (NoSuchAlgorithmException e) {
            cipher = Cipher.getInstance(algorithm, Fallback.PROVIDER);
        }
        cipherProviders.put(algorithm, cipher.getProvider());
        return cipher;
    }

    @Override
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
        Mac prototype = macs.get(algorithm);
        if (prototype == null) {
            try {
                prototype = super.createMac(algorithm);
            } catch (NoSuchAlgorithmException e) {
                prototype = Mac.getInstance(algorithm, Fallback.PROVIDER);
            }
            prototype.getProvider(); // settles the provider before the prototype is shared
            macs.putIfAbsent(algorithm, prototype);
        }
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return Mac.getInstance(algorithm, prototype.getProvider());
        }
    }

    @Override
    public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
        return cloneDigest(algorithm);
    }

    @Override
    public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
        return cloneDigest(algorithm);
    }

    private MessageDigest cloneDigest(String algorithm) throws NoSuchAlgorithmException {
        MessageDigest prototype = digests.get(algorithm);
        if (prototype == null) {
            prototype = MessageDigest.getInstance(algorithm);
            digests.putIfAbsent(algorithm, prototype);
        }
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return MessageDigest.getInstance(algorithm, prototype.getProvider());
        }
    }

    @Override
    public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
        Provider known = parameterProviders.get(algorithm);
        if (known != null) {
            return AlgorithmParameters.getInstance(algorithm, known);
        }
        AlgorithmParameters parameters = super.createAlgorithmParameters(algorithm);
        parameterProviders.put(algorithm, parameters.getProvider());
        return parameters;
    }
}
