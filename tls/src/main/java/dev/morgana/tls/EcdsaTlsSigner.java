package dev.morgana.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.util.Optional;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsSigner;
import org.bouncycastle.tls.crypto.TlsStreamSigner;

/**
 * ECDSA signing of the handshake (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) with
 * Bouncy Castle's lightweight signer on its special-purpose NIST curve arithmetic, whose base
 * point multiples are precomputed once (fixed-point comb): a P-256 signature costs about a third
 * of the JDK's CPU ({@code HandshakeCryptoBench}), and it was the largest single cost of a
 * handshake. The nonce k is random, drawn from the acceptor's SecureRandom for every signature.
 * Thread-safe: one instance per certificate key, shared by all connections.
 */
final class EcdsaTlsSigner implements TlsSigner {

    private static final String[] CURVES = {"secp256r1", "secp384r1", "secp521r1"};

    private final ECPrivateKeyParameters key;
    private final SecureRandom random;

    private EcdsaTlsSigner(ECPrivateKeyParameters key, SecureRandom random) {
        this.key = key;
        this.random = random;
    }

    /**
     * A signer for {@code privateKey} if it is an EC key on P-256, P-384 or P-521; empty for any
     * other key, which then keeps the JCA signer. Precomputes the curve's base point table now,
     * so the first handshake does not pay for it.
     */
    static Optional<EcdsaTlsSigner> forKey(PrivateKey privateKey, SecureRandom random) {
        if (!(privateKey instanceof ECPrivateKey ec) || ec.getParams() == null) {
            return Optional.empty();
        }
        ECDomainParameters domain = namedDomain(ec.getParams());
        if (domain == null) {
            return Optional.empty();
        }
        // Builds the fixed-point table that every later multiplication of the base point reuses.
        domain.getG().multiply(BigInteger.ONE).normalize();
        EcdsaTlsSigner signer = new EcdsaTlsSigner(new ECPrivateKeyParameters(ec.getS(), domain), random);
        signer.sign(new byte[32]); // and the lookup tables of the first signature
        return Optional.of(signer);
    }

    /** Bouncy Castle's curve with the same order and base point as {@code spec}, or null. */
    private static ECDomainParameters namedDomain(ECParameterSpec spec) {
        if (!(spec.getCurve().getField() instanceof ECFieldFp field)) {
            return null; // a binary curve: none of ours
        }
        for (String name : CURVES) {
            X9ECParameters curve = CustomNamedCurves.getByName(name);
            ECPoint g = curve.getG().normalize();
            if (curve.getN().equals(spec.getOrder())
                    && g.getAffineXCoord().toBigInteger().equals(spec.getGenerator().getAffineX())
                    && g.getAffineYCoord().toBigInteger().equals(spec.getGenerator().getAffineY())
                    && curve.getCurve().getField().getCharacteristic().equals(field.getP())) {
                return new ECDomainParameters(curve);
            }
        }
        return null;
    }

    /**
     * Signs {@code hash}, the digest the TLS layer computed over what is signed (TLS 1.3: the
     * CertificateVerify content; TLS 1.2: the ECDHE parameters). Returns the DER-encoded (r, s).
     */
    @Override
    public byte[] generateRawSignature(SignatureAndHashAlgorithm algorithm, byte[] hash) throws IOException {
        if (algorithm == null || algorithm.getSignature() != SignatureAlgorithm.ecdsa) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "not an ECDSA scheme: " + algorithm);
        }
        return sign(hash);
    }

    private byte[] sign(byte[] hash) {
        ECDSASigner signer = new ECDSASigner(); // random k (a RandomDSAKCalculator)
        signer.init(true, new ParametersWithRandom(key, random));
        BigInteger[] rs = signer.generateSignature(hash);
        try {
            return StandardDSAEncoding.INSTANCE.encode(key.getParameters().getN(), rs[0], rs[1]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot DER-encode an ECDSA signature", e);
        }
    }

    /** None: the TLS layer hashes the signed content itself and calls {@link #generateRawSignature}. */
    @Override
    public TlsStreamSigner getStreamSigner(SignatureAndHashAlgorithm algorithm) {
        return null;
    }
}
