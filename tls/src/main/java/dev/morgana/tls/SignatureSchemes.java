package dev.morgana.tls;

import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import org.bouncycastle.tls.SignatureScheme;

/** The signature schemes a certificate's key can make, best first, per TLS version. */
final class SignatureSchemes {

    private static final int[] RSA_TLS13 = {
        SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512,
    };
    private static final int[] RSA_TLS12 = {
        SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512,
        SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512,
    };

    private SignatureSchemes() {}

    /** For TLS 1.3, which ties each ECDSA scheme to one curve. Empty if the key makes none. */
    static int[] tls13(PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) ? ecdsa(key) : RSA_TLS13.clone();
    }

    /** For TLS 1.2, which names only the hash: the same ECDSA code points serve. */
    static int[] tls12(PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) ? ecdsa(key) : RSA_TLS12.clone();
    }

    private static int[] ecdsa(PrivateKey key) {
        if (!(key instanceof ECKey ec) || ec.getParams() == null) {
            return new int[0];
        }
        return switch (ec.getParams().getCurve().getField().getFieldSize()) {
            case 256 -> new int[] {SignatureScheme.ecdsa_secp256r1_sha256};
            case 384 -> new int[] {SignatureScheme.ecdsa_secp384r1_sha384};
            case 521 -> new int[] {SignatureScheme.ecdsa_secp521r1_sha512};
            default -> new int[0];
        };
    }
}
