package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsFatalAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The handshake's ECDSA signatures, checked by the JDK's independent ECDSA verifier. */
@Timeout(30)
class EcdsaTlsSignerTest {

    private static final byte[] SIGNED = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA-256, SHA256withECDSA", "secp384r1, SHA-384, SHA384withECDSA",
        "secp521r1, SHA-512, SHA512withECDSA"})
    void signaturesVerifyWithTheJdkOnEachNistCurve(String curve, String digest, String jdkAlgorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = generator.generateKeyPair();
        EcdsaTlsSigner signer = EcdsaTlsSigner.forKey(pair.getPrivate(), new SecureRandom()).orElseThrow();

        byte[] hash = MessageDigest.getInstance(digest).digest(SIGNED);
        byte[] signature = signer.generateRawSignature(ecdsaWith(digest), hash);

        assertTrue(verify(jdkAlgorithm, pair.getPublic(), SIGNED, signature), curve);
        byte[] tampered = SIGNED.clone();
        tampered[0] ^= 1;
        assertFalse(verify(jdkAlgorithm, pair.getPublic(), tampered, signature), curve);
    }

    /** RFC 6979 A.2.5's P-256 key pair: the JDK key converts to the same private scalar. */
    @Test
    void signsWithThePrivateScalarOfAPublishedKeyPair() throws Exception {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
        KeyFactory keys = KeyFactory.getInstance("EC");
        PrivateKey privateKey = keys.generatePrivate(new ECPrivateKeySpec(
                new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16), p256));
        PublicKey publicKey = keys.generatePublic(new ECPublicKeySpec(new ECPoint(
                new BigInteger("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", 16),
                new BigInteger("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299", 16)), p256));
        EcdsaTlsSigner signer = EcdsaTlsSigner.forKey(privateKey, new SecureRandom()).orElseThrow();
        byte[] message = "sample".getBytes(StandardCharsets.US_ASCII);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);

        byte[] first = signer.generateRawSignature(ecdsaWith("SHA-256"), hash);
        byte[] second = signer.generateRawSignature(ecdsaWith("SHA-256"), hash);

        assertTrue(verify("SHA256withECDSA", publicKey, message, first));
        assertTrue(verify("SHA256withECDSA", publicKey, message, second));
        assertFalse(Arrays.equals(first, second), "a fresh random k for every signature");
    }

    @Test
    void rsaKeysKeepTheJcaSigner() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        assertTrue(EcdsaTlsSigner.forKey(generator.generateKeyPair().getPrivate(), new SecureRandom()).isEmpty());
    }

    @Test
    void refusesToSignForAnotherAlgorithm() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        EcdsaTlsSigner signer = EcdsaTlsSigner.forKey(generator.generateKeyPair().getPrivate(), new SecureRandom())
                .orElseThrow();
        TlsFatalAlert alert = assertThrows(TlsFatalAlert.class, () -> signer.generateRawSignature(
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa), new byte[32]));
        assertEquals(AlertDescription.internal_error, alert.getAlertDescription());
        assertThrows(TlsFatalAlert.class, () -> signer.generateRawSignature(null, new byte[32]));
        assertNull(signer.getStreamSigner(ecdsaWith("SHA-256")));
    }

    private static SignatureAndHashAlgorithm ecdsaWith(String digest) {
        short hash = switch (digest) {
            case "SHA-256" -> HashAlgorithm.sha256;
            case "SHA-384" -> HashAlgorithm.sha384;
            default -> HashAlgorithm.sha512;
        };
        return new SignatureAndHashAlgorithm(hash, SignatureAlgorithm.ecdsa);
    }

    private static boolean verify(String algorithm, PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
