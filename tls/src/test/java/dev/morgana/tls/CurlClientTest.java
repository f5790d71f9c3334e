package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** curl, trusting only the test CA, fetches files byte-exact over TLS 1.3 and over TLS 1.2. */
@Timeout(120)
class CurlClientTest {

    @TempDir
    static Path dir;
    static HttpsFixture server;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("curl");
        server = new HttpsFixture(dir, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Fetches {@code path} as {@code host} with extra curl options; returns body and curl's verbose log. */
    static Tools.Result curl(String host, String path, String... options) throws Exception {
        return curlAgainst(server, dir, host, path, options);
    }

    static Tools.Result curlAgainst(HttpsFixture server, Path dir, String host, String path, String... options)
            throws Exception {
        Path out = Files.createTempFile(dir, "body", ".bin");
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--verbose",
                "--max-time", "60", "--cacert", server.pki.caFile().toString(),
                "--resolve", host + ":" + server.port() + ":127.0.0.1",
                "--output", out.toString()));
        command.addAll(List.of(options));
        command.add("https://" + host + ":" + server.port() + path);
        Tools.Result result = Tools.run(Duration.ofSeconds(90), new byte[0], command);
        assertEquals(0, result.exit(), result.stderr());
        return new Tools.Result(result.exit(), Files.readAllBytes(out), result.stderr());
    }

    @Test
    void tls13FetchesSmallAndMultiMegabyteFilesByteExact() throws Exception {
        Tools.Result small = curl("a.test", "/small", "--tlsv1.3");
        assertArrayEquals(HttpsFixture.SMALL, small.stdout());
        Tools.Result big = curl("a.test", "/big", "--tlsv1.3");
        assertArrayEquals(HttpsFixture.BIG, big.stdout());
        assertTrue(big.stderr().contains("SSL connection using TLSv1.3"), big.stderr());
        assertTrue(big.stderr().contains("ALPN: server accepted http/1.1"), big.stderr());
    }

    @Test
    void tls12WithEcdsaCertificateFetchesByteExact() throws Exception {
        Tools.Result big = curl("a.test", "/big", "--tlsv1.2", "--tls-max", "1.2");
        assertArrayEquals(HttpsFixture.BIG, big.stdout());
        assertTrue(big.stderr().contains("SSL connection using TLSv1.2 / ECDHE-ECDSA-AES128-GCM-SHA256"),
                big.stderr());
    }

    @Test
    void tls12WithRsaCertificateChosenBySniFetchesByteExact() throws Exception {
        Tools.Result big = curl("b.test", "/big", "--tlsv1.2", "--tls-max", "1.2");
        assertArrayEquals(HttpsFixture.BIG, big.stdout());
        assertTrue(big.stderr().contains("SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256"),
                big.stderr());
        assertTrue(big.stderr().contains("subject: CN=b.test"), big.stderr());
    }

    @Test
    void everyAeadSuiteWorks() throws Exception {
        for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            Tools.Result r = curl("a.test", "/small", "--tlsv1.3", "--tls13-ciphers", suite);
            assertArrayEquals(HttpsFixture.SMALL, r.stdout(), suite);
            assertTrue(r.stderr().contains("TLSv1.3 / " + suite), r.stderr());
        }
        for (String suite : List.of("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305")) {
            Tools.Result r = curl("b.test", "/small", "--tls-max", "1.2", "--ciphers", suite);
            assertArrayEquals(HttpsFixture.SMALL, r.stdout(), suite);
            assertTrue(r.stderr().contains("TLSv1.2 / " + suite), r.stderr());
        }
        for (String suite : List.of("ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305")) {
            Tools.Result r = curl("a.test", "/small", "--tls-max", "1.2", "--ciphers", suite);
            assertArrayEquals(HttpsFixture.SMALL, r.stdout(), suite);
            assertTrue(r.stderr().contains("TLSv1.2 / " + suite), r.stderr());
        }
    }

    @Test
    void ipAddressWithoutSniGetsTheDefaultCertificate() throws Exception {
        Tools.Result r = curl("127.0.0.1", "/small", "--tlsv1.3");
        assertArrayEquals(HttpsFixture.SMALL, r.stdout());
        assertTrue(r.stderr().contains("subject: CN=a.test"), r.stderr());
    }
}
