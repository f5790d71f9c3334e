package dev.morgana.tls;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.crypto.KeyAgreement;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A benchmark, not a test: the cost of a server handshake's public-key operations, the JDK's
 * against Bouncy Castle's (its JCA provider and its lightweight API), which chose what
 * {@link JdkTlsCrypto} and {@link EcdsaTlsSigner} use. Run with
 * {@code mvn -B -q -pl tls -am test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/test-classpath.txt}, then {@code java -cp
 * "tls/target/test-classes:tls/target/classes:$(cat tls/target/test-classpath.txt)"
 * dev.morgana.tls.HandshakeCryptoBench}.
 */
public final class HandshakeCryptoBench {

    private interface Op {
        void run() throws Exception;
    }

    private HandshakeCryptoBench() {}

    private static void time(String name, Op op) throws Exception {
        int n = 3000;
        for (int i = 0; i < n; i++) {
            op.run(); // warm-up: let the JIT compile it
        }
        // CPU time of this thread, not wall time: the machines are shared, and other processes'
        // load would otherwise count as ours.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        System.out.printf("%-40s %8.1f us of CPU%n", name, (threads.getCurrentThreadCpuTime() - start) / 1e3 / n);
    }

    public static void main(String[] args) throws Exception {
        var bc = new BouncyCastleProvider();
        var random = new SecureRandom();
        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGenerator.generateKeyPair();
        byte[] transcriptHash = new byte[32];
        time("ECDSA P-256 sign, JDK", () -> sign(Signature.getInstance("NONEwithECDSA"), ec, random, transcriptHash));
        time("ECDSA P-256 sign, Bouncy Castle provider",
                () -> sign(Signature.getInstance("NONEwithECDSA", bc), ec, random, transcriptHash));
        var curve = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1");
        var domain = new org.bouncycastle.crypto.params.ECDomainParameters(curve);
        var d = ((java.security.interfaces.ECPrivateKey) ec.getPrivate()).getS();
        var bcKey = new org.bouncycastle.crypto.params.ECPrivateKeyParameters(d, domain);
        var rnd = new org.bouncycastle.crypto.signers.ECDSASigner();
        rnd.init(true, new org.bouncycastle.crypto.params.ParametersWithRandom(bcKey, random));
        time("ECDSA P-256 sign, BC lightweight, random k", () -> rnd.generateSignature(transcriptHash));
        var det = new org.bouncycastle.crypto.signers.ECDSASigner(
                new org.bouncycastle.crypto.signers.HMacDSAKCalculator(new org.bouncycastle.crypto.digests.SHA256Digest()));
        det.init(true, bcKey);
        time("ECDSA P-256 sign, BC lightweight, RFC 6979 k", () -> det.generateSignature(transcriptHash));
        KeyPair peer = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        time("X25519 key pair + agreement, JDK XDH", () -> {
            KeyPair mine = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(mine.getPrivate());
            agreement.doPhase(peer.getPublic(), true);
            agreement.generateSecret();
        });
        byte[] privateKey = new byte[32];
        byte[] publicKey = new byte[32];
        byte[] peerPublic = new byte[32];
        byte[] shared = new byte[32];
        X25519.generatePrivateKey(random, privateKey);
        X25519.generatePublicKey(privateKey, 0, peerPublic, 0);
        time("X25519 key pair + agreement, BC raw", () -> {
            X25519.generatePrivateKey(random, privateKey);
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            X25519.calculateAgreement(privateKey, 0, peerPublic, 0, shared, 0);
        });
    }

    private static void sign(Signature signer, KeyPair key, SecureRandom random, byte[] hash) throws Exception {
        signer.initSign(key.getPrivate(), random);
        signer.update(hash);
        signer.sign();
    }
}
