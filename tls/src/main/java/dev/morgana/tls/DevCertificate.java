package dev.morgana.tls;

import dev.morgana.types.Clock;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A self-signed ECDSA P-256 certificate for development, naming {@code localhost} and
 * {@code 127.0.0.1}. Browsers warn about it; its fingerprint lets a developer check it by eye.
 */
public final class DevCertificate {

    /** How long a development certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    private DevCertificate() {}

    /**
     * Generates a key and certificate and writes them as PEM ({@code keyFile} as PKCS#8, readable
     * by its owner only where the file system allows).
     *
     * @return the certificate's SHA-256 fingerprint, as colon-separated upper-case hex (the form
     *     browsers and {@code openssl x509 -fingerprint -sha256} show)
     */
    public static String generate(Path certFile, Path keyFile, Clock clock, SecureRandom random)
            throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.now();
            X500Principal subject = new X500Principal("CN=localhost, O=Morgana development");
            byte[] serial = new byte[16];
            random.nextBytes(serial);
            serial[0] &= 0x7f;
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            }));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                    .build(pair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

            writeKey(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            Files.writeString(certFile, pem(cert), StandardCharsets.US_ASCII);
            return fingerprint(cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a development certificate: " + e.getMessage(), e);
        }
    }

    /** SHA-256 over the certificate's DER, as {@code AB:CD:...}. */
    public static String fingerprint(X509Certificate cert) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static void writeKey(Path keyFile, String pem) throws IOException {
        Files.deleteIfExists(keyFile);
        try {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyFile);
        }
        Files.writeString(keyFile, pem, StandardCharsets.US_ASCII);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }
}
