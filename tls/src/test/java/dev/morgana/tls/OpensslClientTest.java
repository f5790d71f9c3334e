package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openssl s_client} sees the expected chain, ALPN and SNI choice; clients limited to
 * TLS 1.0/1.1 or to non-AEAD suites are refused by the server (not by their own configuration).
 */
@Timeout(120)
class OpensslClientTest {

    @TempDir
    static Path dir;
    static HttpsFixture server;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("openssl");
        server = new HttpsFixture(dir, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Tools.Result sClient(String stdin, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + server.port(), "-CAfile", server.pki.caFile().toString()));
        command.addAll(List.of(options));
        return Tools.run(Duration.ofSeconds(30), stdin.getBytes(StandardCharsets.US_ASCII), command);
    }

    @Test
    void sniSelectsTheRsaChainAndAlpnSelectsHttp11() throws Exception {
        Tools.Result r = sClient("", "-servername", "b.test", "-alpn", "h2,http/1.1", "-showcerts",
                "-verify_return_error");
        String out = r.out();
        assertEquals(0, r.exit(), out + r.stderr());
        assertTrue(out.contains(" 0 s:CN = b.test\n"), out);
        assertTrue(out.contains("   i:CN = " + TestPki.INTERMEDIATE_CN + "\n"), out);
        assertTrue(out.contains(" 1 s:CN = " + TestPki.INTERMEDIATE_CN + "\n"), out);
        assertTrue(out.contains("   i:CN = " + TestPki.ROOT_CN + "\n"), out);
        assertFalse(out.contains(" 2 s:"), "the root is not sent: " + out);
        assertTrue(out.contains("ALPN protocol: http/1.1"), out);
        assertTrue(out.contains("Server public key is 2048 bit"), out);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains("New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), out);
    }

    @Test
    void sniSelectsTheEcChainAndUnknownNamesGetTheDefault() throws Exception {
        for (String name : List.of("a.test", "unknown.test")) {
            Tools.Result r = sClient("", "-servername", name, "-alpn", "http/1.1", "-verify_return_error");
            String out = r.out();
            assertEquals(0, r.exit(), out + r.stderr());
            assertTrue(out.contains(" 0 s:CN = a.test\n"), out);
            assertTrue(out.contains("Server public key is 256 bit"), out);
            assertTrue(out.contains("ALPN protocol: http/1.1"), out);
        }
        Tools.Result wildcard = sClient("", "-servername", "www.b.test", "-verify_return_error");
        assertTrue(wildcard.out().contains(" 0 s:CN = b.test\n"), wildcard.out());
    }

    @Test
    void requestOverSClientIsAnswered() throws Exception {
        Tools.Result r = sClient("GET /small HTTP/1.1\r\nHost: a.test\r\n\r\n", "-servername", "a.test",
                "-ign_eof", "-quiet");
        String out = r.out();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out + r.stderr());
        assertTrue(out.endsWith("\r\n\r\n" + new String(HttpsFixture.SMALL, StandardCharsets.US_ASCII)), out);
    }

    @Test
    void keyShareGroupsAreX25519ByDefaultAndOthersViaHelloRetryRequest() throws Exception {
        Tools.Result x25519 = sClient("", "-servername", "a.test");
        assertTrue(x25519.out().contains("Server Temp Key: X25519"), x25519.out());
        // A key share for a group we do not take (P-521) makes the server ask again for P-384.
        Tools.Result retried = sClient("", "-servername", "a.test", "-groups", "P-521:P-384", "-msg");
        assertEquals(0, retried.exit(), retried.out() + retried.stderr());
        assertTrue(retried.out().contains("Server Temp Key: ECDH, secp384r1"), retried.out());
        assertTrue(retried.out().contains("Verify return code: 0 (ok)"), retried.out());
        // A client offering only groups we do not support is refused.
        Tools.Result refused = sClient("", "-servername", "a.test", "-groups", "P-521:X448");
        assertNotEquals(0, refused.exit(), refused.out());
        assertTrue(refused.stderr().contains("alert handshake failure"), refused.stderr());
    }

    @Test
    void tls12ClientListingCurvesWeLackFirstGetsOneOfOurs() throws Exception {
        // Found by testssl.sh: Bouncy Castle's default picked sect571r1 and failed with internal_error.
        Tools.Result r = sClient("", "-tls1_2", "-servername", "a.test", "-groups", "sect571r1:P-384:P-256");
        assertEquals(0, r.exit(), r.out() + r.stderr());
        assertTrue(r.out().contains("Server Temp Key: ECDH, prime256v1"), "our preference: " + r.out());
        Tools.Result none = sClient("", "-tls1_2", "-servername", "a.test", "-groups", "sect571r1:P-521");
        assertNotEquals(0, none.exit(), none.out());
        assertTrue(none.stderr().contains("alert handshake failure"), none.stderr());
    }

    @Test
    void clientsAskingForOcspStaplingAreServedWithoutIt() throws Exception {
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Tools.Result r = sClient("", version, "-servername", "b.test", "-status");
            assertEquals(0, r.exit(), version + ": " + r.out() + r.stderr());
            assertTrue(r.out().contains("OCSP response: no response sent"), r.out());
        }
    }

    @Test
    void clientOfferingOnlyOtherApplicationProtocolsIsRefused() throws Exception {
        Tools.Result r = sClient("", "-servername", "a.test", "-alpn", "h2");
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.stderr().contains("no application protocol"), r.stderr());
    }

    @Test
    void tls11AndTls10ClientsAreRefusedWithProtocolVersion() throws Exception {
        for (String version : List.of("-tls1_1", "-tls1")) {
            Tools.Result r = sClient("", version, "-cipher", "DEFAULT@SECLEVEL=0", "-servername", "a.test");
            assertNotEquals(0, r.exit(), r.out());
            // The server's alert proves the ClientHello was sent and refused by us.
            assertTrue(r.stderr().contains("alert protocol version"), version + ": " + r.stderr());
        }
    }

    @Test
    void clientsOfferingOnlyCbcOrNonEcdheSuitesAreRefused() throws Exception {
        for (String name : List.of("a.test", "b.test")) {
            Tools.Result r = sClient("", "-tls1_2", "-servername", name, "-cipher",
                    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-SHA");
            assertNotEquals(0, r.exit(), r.out());
            assertTrue(r.stderr().contains("alert handshake failure"), name + ": " + r.stderr());
        }
    }

    @Test
    void tls12ClientSeesExtendedMasterSecretAndRenegotiationInfo() throws Exception {
        Tools.Result r = sClient("", "-tls1_2", "-servername", "a.test", "-alpn", "http/1.1");
        String out = r.out();
        assertEquals(0, r.exit(), out + r.stderr());
        assertTrue(out.contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), out);
        assertTrue(out.contains("Extended master secret: yes"), out);
        assertTrue(out.contains("Secure Renegotiation IS supported"), out);
    }
}
