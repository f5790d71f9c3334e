package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TlsConfigTest {

    @TempDir
    static Path dir;

    static TestPki pki;
    static TestPki.Issued ecTraditional;
    static TestPki.Issued ecPkcs8;
    static TestPki.Issued rsaTraditional;
    static TestPki.Issued rsaPkcs8;

    @BeforeAll
    static void issue() throws Exception {
        pki = new TestPki(dir);
        ecTraditional = pki.issue("ec-trad", false, false, List.of("ec.test"), List.of("127.0.0.1"));
        ecPkcs8 = pki.issue("ec-p8", false, true, List.of("ec8.test"), List.of());
        rsaTraditional = pki.issue("rsa-trad", true, false, List.of("rsa.test", "*.wild.test"), List.of());
        rsaPkcs8 = pki.issue("rsa-p8", true, true, List.of("rsa8.test"), List.of());
    }

    static Clock at(Instant instant) {
        return new Clock() {
            @Override
            public Instant now() {
                return instant;
            }

            @Override
            public long monotonicNanos() {
                return 0;
            }
        };
    }

    @Test
    void loadsRsaAndEcKeysInTraditionalAndPkcs8Forms() throws Exception {
        assertTrue(Files.readString(ecTraditional.key()).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(rsaTraditional.key()).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(ecPkcs8.key()).contains("BEGIN PRIVATE KEY"));
        for (TestPki.Issued issued : List.of(ecTraditional, ecPkcs8, rsaTraditional, rsaPkcs8)) {
            TlsConfig config = TlsConfig.fromPem(issued.chain(), issued.key(), Clock.system());
            TlsIdentity identity = config.identities().getFirst();
            assertEquals(issued.leaf(), identity.leaf());
            assertEquals(2, identity.chain().size(), "leaf then intermediate");
            assertEquals(TestPki.INTERMEDIATE_CN,
                    identity.chain().get(1).getSubjectX500Principal().getName().substring(3));
            assertEquals(secret(issued.privateKey()), secret(identity.privateKey()));
        }
    }

    static java.math.BigInteger secret(java.security.PrivateKey key) {
        return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
                : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
    }

    @Test
    void identityServesItsNamesAndWildcards() throws Exception {
        TlsIdentity ec = TlsConfig.fromPem(ecTraditional.chain(), ecTraditional.key(), Clock.system())
                .identities().getFirst();
        TlsIdentity rsa = TlsConfig.fromPem(rsaTraditional.chain(), rsaTraditional.key(), Clock.system())
                .identities().getFirst();
        assertTrue(ec.serves("EC.test"));
        assertTrue(ec.serves("127.0.0.1"));
        assertFalse(ec.serves("rsa.test"));
        assertTrue(rsa.serves("x.wild.test"));
        assertFalse(rsa.serves("wild.test"));
        assertFalse(rsa.serves("a.b.wild.test"));
        TlsConfig both = new TlsConfig(List.of(ec, rsa), Duration.ofSeconds(5));
        assertEquals(rsa, both.select("rsa.test"));
        assertEquals(ec, both.select("unknown.test"));
        assertEquals(ec, both.select(null));
    }

    @Test
    void toStringNeverShowsTheKey() throws Exception {
        TlsIdentity rsa = TlsConfig.fromPem(rsaTraditional.chain(), rsaTraditional.key(), Clock.system())
                .identities().getFirst();
        String text = rsa.toString() + TlsConfig.fromPem(rsaTraditional.chain(), rsaTraditional.key(),
                Clock.system());
        String keyBase64 = Base64.getEncoder().encodeToString(rsa.privateKey().getEncoded());
        assertFalse(text.contains(keyBase64.substring(40, 80)));
        assertFalse(text.contains(rsa.privateKey().toString()) && rsa.privateKey().toString().length() > 40);
        assertTrue(text.contains("rsa.test"));
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingTheKeyFile() {
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), ecPkcs8.key(), Clock.system()));
        assertEquals(ecPkcs8.key(), e.file());
        assertTrue(e.getMessage().contains("does not match the certificate"), e.getMessage());
        assertTrue(e.getMessage().startsWith(ecPkcs8.key().toString()), e.getMessage());
    }

    @Test
    void keyOfAnotherTypeIsRefused() {
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), rsaTraditional.key(), Clock.system()));
        assertEquals(rsaTraditional.key(), e.file());
        assertTrue(e.getMessage().contains("RSA key but the certificate"), e.getMessage());
    }

    @Test
    void expiredCertificateIsRefusedAgainstTheInjectedClock() {
        Instant later = ecTraditional.leaf().getNotAfter().toInstant().plus(Duration.ofDays(1));
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), ecTraditional.key(), at(later)));
        assertEquals(ecTraditional.chain(), e.file());
        assertTrue(e.getMessage().contains("has expired"), e.getMessage());
    }

    @Test
    void notYetValidCertificateIsRefused() {
        Instant earlier = ecTraditional.leaf().getNotBefore().toInstant().minus(Duration.ofDays(1));
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), ecTraditional.key(), at(earlier)));
        assertTrue(e.getMessage().contains("not valid yet"), e.getMessage());
    }

    @Test
    void malformedPemIsRefusedNamingTheFile() throws Exception {
        Path broken = dir.resolve("broken-cert.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(broken, ecTraditional.key(), Clock.system()));
        assertEquals(broken, e.file());
        assertTrue(e.getMessage().contains("malformed PEM certificate"), e.getMessage());

        Path brokenKey = dir.resolve("broken-key.pem");
        Files.writeString(brokenKey, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        TlsConfigException k = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), brokenKey, Clock.system()));
        assertEquals(brokenKey, k.file());
        assertTrue(k.getMessage().contains("malformed PEM private key"), k.getMessage());
    }

    @Test
    void swappedOrEmptyOrMissingFilesAreRefused() throws Exception {
        TlsConfigException swapped = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.key(), ecTraditional.chain(), Clock.system()));
        assertEquals(ecTraditional.key(), swapped.file());
        assertTrue(swapped.getMessage().contains("is this the key file?"), swapped.getMessage());

        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "just text\n");
        TlsConfigException none = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(empty, ecTraditional.key(), Clock.system()));
        assertTrue(none.getMessage().contains("no PEM CERTIFICATE block"), none.getMessage());
        TlsConfigException noKey = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(ecTraditional.chain(), empty, Clock.system()));
        assertTrue(noKey.getMessage().contains("no PEM PRIVATE KEY block"), noKey.getMessage());

        Path missing = dir.resolve("missing.pem");
        TlsConfigException gone = assertThrows(TlsConfigException.class,
                () -> TlsConfig.fromPem(missing, ecTraditional.key(), Clock.system()));
        assertEquals(missing + ": no such file", gone.getMessage());
    }

    @Test
    void developmentCertificateLoadsAndItsFingerprintMatchesOpensslForm() throws Exception {
        Path cert = dir.resolve("dev-cert.pem");
        Path key = dir.resolve("dev-key.pem");
        String fingerprint = DevCertificate.generate(cert, key, Clock.system(), new SecureRandom());
        assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
        TlsIdentity identity = TlsConfig.fromPem(cert, key, Clock.system()).identities().getFirst();
        assertEquals(fingerprint, DevCertificate.fingerprint(identity.leaf()));
        assertTrue(identity.serves("localhost"));
        assertTrue(identity.serves("127.0.0.1"));
        assertTrue(identity.isEc());
        assertTrue(Files.readString(key, StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
    }
}
