package dev.morgana.tls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * ECDHE over X25519 (RFC 7748) with Bouncy Castle's raw field arithmetic, on byte arrays: about
 * three times cheaper per handshake than the JDK's XDH through the JCA (key objects, encodings
 * and a generic field implementation), which dominated the handshake profile. The shared secret
 * is handed to the session's own crypto, so the key schedule is unchanged.
 */
final class X25519Domain implements TlsECDomain {

    private final TlsCrypto crypto;
    private final SecureRandom random;

    X25519Domain(TlsCrypto crypto, SecureRandom random) {
        this.crypto = crypto;
        this.random = random;
    }

    @Override
    public TlsAgreement createECDH() {
        return new Agreement();
    }

    /** One ephemeral key pair and the peer's public value. */
    private final class Agreement implements TlsAgreement {
        private final byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        private byte[] peer;

        @Override
        public byte[] generateEphemeral() {
            X25519.generatePrivateKey(random, privateKey);
            byte[] publicKey = new byte[X25519.POINT_SIZE];
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            return publicKey;
        }

        @Override
        public void receivePeerValue(byte[] peerValue) throws IOException {
            if (peerValue == null || peerValue.length != X25519.POINT_SIZE) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "X25519 key share is not 32 bytes");
            }
            this.peer = peerValue.clone();
        }

        @Override
        public TlsSecret calculateSecret() throws IOException {
            if (peer == null) {
                throw new TlsFatalAlert(AlertDescription.internal_error, "no X25519 peer value");
            }
            byte[] shared = new byte[X25519.POINT_SIZE];
            try {
                // False for a low-order peer point (an all-zero secret): RFC 7748 §6.1 says abort.
                if (!X25519.calculateAgreement(privateKey, 0, peer, 0, shared, 0)) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "X25519 agreement gave zero");
                }
                return crypto.createSecret(shared); // copies and wipes its argument
            } finally {
                Arrays.fill(privateKey, (byte) 0);
                Arrays.fill(shared, (byte) 0);
            }
        }
    }
}
