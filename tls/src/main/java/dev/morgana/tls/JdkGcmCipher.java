package dev.morgana.tls;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * One direction of AES-GCM record protection on a JDK {@link Cipher}, initialised per record
 * with a {@link GCMParameterSpec}. Bouncy Castle's JCA adapter instead builds an
 * {@code AlgorithmParameters} object per record from a DER encoding of the nonce, which cost a
 * JCA lookup, an ASN.1 encoding and its parsing for every record. Not thread-safe: a record layer
 * uses one instance per direction.
 */
final class JdkGcmCipher implements TlsAEADCipherImpl {

    private final Cipher cipher;
    private final int mode;
    private SecretKeySpec key;

    JdkGcmCipher(Cipher cipher, boolean encrypting) {
        this.cipher = cipher;
        this.mode = encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    @Override
    public void setKey(byte[] keyBytes, int offset, int length) {
        key = new SecretKeySpec(keyBytes, offset, length, "AES");
    }

    /** Starts a record: its nonce (12 bytes in TLS) and the tag length in bytes. */
    @Override
    public void init(byte[] nonce, int macSize) {
        if (key == null) {
            throw new IllegalStateException("AES-GCM key not set");
        }
        try {
            cipher.init(mode, key, new GCMParameterSpec(macSize * 8, nonce));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot start an AES-GCM record: " + e.getMessage(), e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return cipher.getOutputSize(inputLength);
    }

    /**
     * Encrypts and tags, or checks and decrypts, one record. A record that fails its tag check
     * raises {@link IllegalStateException}, which the record layer turns into bad_record_mac.
     */
    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) {
        try {
            if (additionalData != null && additionalData.length > 0) {
                cipher.updateAAD(additionalData);
            }
            return cipher.doFinal(input, inputOffset, inputLength, output, outputOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM record failed: " + e.getMessage(), e);
        }
    }
}
