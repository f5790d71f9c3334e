package dev.morgana.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a PEM certificate chain and a PEM private key and checks that they can serve: every
 * problem becomes a {@link TlsConfigException} naming the file. Key bytes never reach a message.
 */
final class PemIdentityLoader {

    /** Far larger than any real chain or key; bounds what a wrong path (a disk image...) costs. */
    private static final long MAX_PEM_BYTES = 1 << 20;

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private PemIdentityLoader() {}

    static TlsIdentity load(Path certFile, Path keyFile, Instant now) throws TlsConfigException {
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile);
        checkValidity(certFile, chain, now);
        checkKeyMatches(keyFile, certFile, key, chain.getFirst().getPublicKey());
        X509Certificate leaf = chain.getFirst();
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        collectNames(certFile, leaf, dns, ips);
        return new TlsIdentity(chain, key, dns, ips, certFile.toString());
    }

    static List<X509Certificate> readChain(Path file) throws TlsConfigException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(readText(file)))) {
            for (int guard = 0; guard < 64; guard++) {
                Object item = parser.readObject();
                if (item == null) {
                    break;
                }
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                } else {
                    throw new TlsConfigException(file, "expected only CERTIFICATE blocks, found "
                            + describe(item) + " (is this the key file?)");
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof TlsConfigException tce) {
                throw tce;
            }
            throw new TlsConfigException(file, "malformed PEM certificate: " + safeReason(e), e);
        }
        if (chain.isEmpty()) {
            throw new TlsConfigException(file, "no PEM CERTIFICATE block found");
        }
        return List.copyOf(chain);
    }

    static PrivateKey readKey(Path file) throws TlsConfigException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        try (PEMParser parser = new PEMParser(new StringReader(readText(file)))) {
            for (int guard = 0; guard < 16; guard++) {
                Object item = parser.readObject();
                if (item == null) {
                    break;
                }
                PrivateKey found = switch (item) {
                    // The public half is optional in "EC PRIVATE KEY": use only the private key.
                    case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                    case PrivateKeyInfo info -> converter.getPrivateKey(info);
                    // "openssl ecparam -genkey" writes the curve before the key: harmless.
                    case ASN1ObjectIdentifier curve -> null;
                    case PEMEncryptedKeyPair encrypted ->
                        throw new TlsConfigException(file, "the private key is encrypted; give an unencrypted key");
                    case PKCS8EncryptedPrivateKeyInfo encrypted ->
                        throw new TlsConfigException(file, "the private key is encrypted; give an unencrypted key");
                    default -> throw new TlsConfigException(file,
                            "expected a PRIVATE KEY block, found " + describe(item));
                };
                if (found != null) {
                    if (key != null) {
                        throw new TlsConfigException(file, "holds more than one private key");
                    }
                    key = found;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof TlsConfigException tce) {
                throw tce;
            }
            // Bouncy Castle describes what failed, never the key bytes.
            throw new TlsConfigException(file, "malformed PEM private key (" + safeReason(e) + ")");
        }
        if (key == null) {
            throw new TlsConfigException(file, "no PEM PRIVATE KEY block found");
        }
        String algorithm = key.getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new TlsConfigException(file, "unsupported key type " + algorithm + " (use RSA or EC)");
        }
        return key;
    }

    private static String readText(Path file) throws TlsConfigException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new TlsConfigException(file, Files.exists(file) ? "not a regular file" : "no such file");
            }
            if (Files.size(file) > MAX_PEM_BYTES) {
                throw new TlsConfigException(file, "too large for a PEM file (" + Files.size(file) + " bytes)");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (TlsConfigException e) {
            throw e;
        } catch (IOException e) {
            throw new TlsConfigException(file, "unreadable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static void checkValidity(Path file, List<X509Certificate> chain, Instant now)
            throws TlsConfigException {
        Date date = Date.from(now);
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            String which = (i == 0 ? "the certificate " : "chain certificate #" + (i + 1) + " ")
                    + subject(cert.getSubjectX500Principal());
            if (date.before(cert.getNotBefore())) {
                throw new TlsConfigException(file, which + " is not valid yet (valid from "
                        + cert.getNotBefore().toInstant() + ", now " + now + ")");
            }
            if (date.after(cert.getNotAfter())) {
                throw new TlsConfigException(file, which + " has expired (valid until "
                        + cert.getNotAfter().toInstant() + ", now " + now + ")");
            }
        }
    }

    /** Signs a probe with the key and verifies it with the certificate: works for RSA and EC alike. */
    private static void checkKeyMatches(Path keyFile, Path certFile, PrivateKey key, PublicKey certKey)
            throws TlsConfigException {
        if (!key.getAlgorithm().equals(certKey.getAlgorithm())) {
            throw new TlsConfigException(keyFile, "is a " + key.getAlgorithm()
                    + " key but the certificate in " + certFile + " holds a " + certKey.getAlgorithm() + " key");
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "morgana key/certificate match probe".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsConfigException(keyFile, "the private key does not match the certificate in " + certFile);
        }
    }

    private static void collectNames(Path file, X509Certificate leaf, List<String> dns, List<String> ips)
            throws TlsConfigException {
        try {
            var sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == SAN_DNS) {
                        dns.add((String) san.get(1));
                    } else if (type == SAN_IP) {
                        ips.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new TlsConfigException(file, "unreadable subjectAltName extension", e);
        }
        if (dns.isEmpty() && ips.isEmpty()) {
            X500Name name = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
            for (RDN rdn : name.getRDNs(BCStyle.CN)) {
                dns.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
            }
        }
    }

    private static String subject(X500Principal principal) {
        return "\"" + principal.getName(X500Principal.RFC2253) + "\"";
    }

    private static String describe(Object item) {
        return item.getClass().getSimpleName();
    }

    private static String safeReason(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
