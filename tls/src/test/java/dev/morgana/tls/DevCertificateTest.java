package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Clock;
import dev.morgana.types.Tcpv4;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The development certificate as a developer meets it: openssl agrees on it, curl trusts it once told to. */
@Timeout(60)
class DevCertificateTest {

    @TempDir
    Path dir;

    @Test
    void opensslShowsTheSameFingerprintAndNames() throws Exception {
        Tools.require("openssl");
        Path cert = dir.resolve("dev.pem");
        String fingerprint = DevCertificate.generate(cert, dir.resolve("dev.key"), Clock.system(), new SecureRandom());
        Tools.Result r = Tools.run(Duration.ofSeconds(20), new byte[0], List.of("openssl", "x509", "-in",
                cert.toString(), "-noout", "-fingerprint", "-sha256", "-ext", "subjectAltName"));
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("Fingerprint=" + fingerprint + "\n"), r.out() + " vs " + fingerprint);
        assertTrue(r.out().contains("DNS:localhost, IP Address:127.0.0.1"), r.out());
        Tools.Result key = Tools.run(Duration.ofSeconds(20), new byte[0], List.of("openssl", "pkey", "-in",
                dir.resolve("dev.key").toString(), "-noout", "-text_pub"));
        assertTrue(key.out().contains("NIST CURVE: P-256"), key.out());
    }

    @Test
    void curlTrustingTheDevCertificateFetchesOverLocalhostAndLoopbackAddress() throws Exception {
        Tools.require("curl");
        Path cert = dir.resolve("dev.pem");
        Path key = dir.resolve("dev.key");
        DevCertificate.generate(cert, key, Clock.system(), new SecureRandom());
        try (LoopbackSockets sockets = new LoopbackSockets();
                TlsAcceptor acceptor = new TlsAcceptor(TlsConfig.fromPem(cert, key, Clock.system()));
                Tcpv4.Listener listener = new TlsTcpv4(sockets.tcp(), acceptor).listen(0, HttpsFixture::serve)) {
            for (String host : List.of("localhost", "127.0.0.1")) {
                Path out = Files.createTempFile(dir, "body", ".bin");
                Tools.Result r = Tools.run(Duration.ofSeconds(30), new byte[0], List.of("curl", "--silent",
                        "--show-error", "--max-time", "20", "--cacert", cert.toString(),
                        "--resolve", "localhost:" + listener.port() + ":127.0.0.1", "--output", out.toString(),
                        "https://" + host + ":" + listener.port() + "/small"));
                assertEquals(0, r.exit(), r.stderr());
                assertArrayEquals(HttpsFixture.SMALL, Files.readAllBytes(out));
            }
        }
    }
}
