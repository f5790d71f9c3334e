package dev.morgana.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throwaway PKI for tests: a root CA, an intermediate, and leaves (EC or RSA) for chosen names,
 * written as PEM files the way an operator would have them.
 */
final class TestPki {

    static final String ROOT_CN = "Morgana Test Root";
    static final String INTERMEDIATE_CN = "Morgana Test Intermediate";

    private final Path dir;
    private final KeyPair rootKey;
    private final X509Certificate root;
    private final KeyPair intermediateKey;
    private final X509Certificate intermediate;
    private long serial = 1;

    TestPki(Path dir) throws Exception {
        this.dir = dir;
        Instant now = Instant.now();
        rootKey = ec();
        root = sign(new X500Principal("CN=" + ROOT_CN), rootKey, new X500Principal("CN=" + ROOT_CN), rootKey,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true, List.of(), List.of());
        intermediateKey = ec();
        intermediate = sign(new X500Principal("CN=" + INTERMEDIATE_CN), intermediateKey,
                new X500Principal("CN=" + ROOT_CN), rootKey,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true, List.of(), List.of());
        write(dir.resolve("ca.pem"), pem(root));
    }

    /** The root certificate file clients trust. */
    Path caFile() {
        return dir.resolve("ca.pem");
    }

    X509Certificate root() {
        return root;
    }

    /** Files of an issued leaf: chain (leaf then intermediate) and key. */
    record Issued(Path chain, Path key, X509Certificate leaf, PrivateKey privateKey) {}

    /**
     * Issues a leaf for {@code dnsNames} (and {@code ips}); {@code rsa} picks RSA 2048 over EC
     * P-256; {@code pkcs8} picks "PRIVATE KEY" over the traditional "RSA/EC PRIVATE KEY" form.
     */
    Issued issue(String name, boolean rsa, boolean pkcs8, List<String> dnsNames, List<String> ips) throws Exception {
        Instant now = Instant.now();
        KeyPair key = rsa ? rsa() : ec();
        X509Certificate leaf = sign(new X500Principal("CN=" + dnsNames.getFirst()), key,
                new X500Principal("CN=" + INTERMEDIATE_CN), intermediateKey,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(10)), false, dnsNames, ips);
        Path chainFile = dir.resolve(name + "-chain.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        write(chainFile, pem(leaf) + pem(intermediate));
        write(keyFile, pkcs8 ? pem(new JcaPKCS8Generator(key.getPrivate(), null)) : traditional(key.getPrivate()));
        return new Issued(chainFile, keyFile, leaf, key.getPrivate());
    }

    private X509Certificate sign(X500Principal subject, KeyPair subjectKey, X500Principal issuer, KeyPair issuerKey,
            Instant from, Instant to, boolean ca, List<String> dns, List<String> ips) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++), Date.from(from),
                Date.from(to), subject, subjectKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
        if (!names.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        String algorithm = "EC".equals(issuerKey.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        var signer = new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** "RSA PRIVATE KEY", or "EC PRIVATE KEY" with its curve inside, as openssl writes them. */
    static String traditional(PrivateKey key) throws IOException {
        if (!"EC".equals(key.getAlgorithm())) {
            return pem(key);
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator g) {
                writer.writeObject(g);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
