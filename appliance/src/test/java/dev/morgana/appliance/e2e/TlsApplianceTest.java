package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS=on HTTPS_REDIRECT=on: the appliance serves HTTPS, and curl, limited to TLS 1.3 or to TLS
 * 1.2 and trusting only the development certificate, fetches every file byte-exact; its plain
 * port answers every request with a 301 to the same path on https; HTTPS responses carry HSTS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class TlsApplianceTest {

    @TempDir
    static Path tmp;

    private RunningAppliance appliance;
    private int port;
    private int httpsPort;

    @BeforeAll
    void buildAndStart() throws Exception {
        port = RunningAppliance.freePort();
        httpsPort = RunningAppliance.freePort();
        Path launcher = Project.configureAndBuild("www", tmp.resolve("www"), Map.of("PORT", Integer.toString(port),
                "TLS", "on", "TLS_PORT", Integer.toString(httpsPort), "HTTPS_REDIRECT", "on"));
        assertTrue(Files.isRegularFile(tmp.resolve("www/data/tls/cert.pem")), "the certificate ships with the appliance");
        appliance = RunningAppliance.start(launcher, port, Duration.ofSeconds(120));
        RunningAppliance.awaitPort(httpsPort, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() throws Exception {
        if (appliance != null) {
            appliance.stop();
        }
    }

    private void fetchEveryFile(String... tlsOptions) throws Exception {
        boolean curl = Commands.available("curl");
        if (!curl) {
            System.out.println("SKIPPED: curl is not installed (make deps installs it)");
        }
        assumeTrue(curl, "needs curl");
        Path ca = Project.ROOT.resolve("build/dev-tls/cert.pem");
        List<Path> files;
        try (var walk = Files.walk(Project.HTDOCS)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        // One curl for every file: one TLS connection, kept alive, as a browser would.
        Path got = Files.createTempDirectory(tmp, "got");
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--fail", "--cacert", ca.toString()));
        command.addAll(List.of(tlsOptions));
        for (int i = 0; i < files.size(); i++) {
            command.addAll(List.of("-o", got.resolve(Integer.toString(i)).toString(),
                    "https://localhost:" + httpsPort + "/" + Project.HTDOCS.relativize(files.get(i))));
        }
        Commands.Result result = Commands.run(Map.of(), 120, command);
        assertTrue(result.status() == 0, result.output());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(got.resolve(Integer.toString(i))),
                    files.get(i).toString());
        }
    }

    @Test
    void curlWithTls13FetchesEveryFileByteExact() throws Exception {
        fetchEveryFile("--tlsv1.3");
    }

    @Test
    void curlLimitedToTls12FetchesEveryFileByteExact() throws Exception {
        fetchEveryFile("--tls-max", "1.2");
    }

    @Test
    void plainHttpIsRedirectedToTheSamePathAndQueryOnHttps() throws Exception {
        String response = new String(RawHttp.exchange(port, "GET", "/docs/architecture.html?a=b%20c"),
                StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 301 Moved Permanently\r\n"), response);
        assertTrue(response.contains("\r\nLocation: https://127.0.0.1:" + httpsPort
                + "/docs/architecture.html?a=b%20c\r\n"), response);
        assertTrue(response.contains("\r\nContent-Length: 0\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n"), "no body: " + response);
        assertFalse(response.contains("Strict-Transport-Security"), "never HSTS over plain HTTP: " + response);
    }

    @Test
    void httpsResponsesCarryHstsWithTheDefaultMaxAge() throws Exception {
        Path ca = Project.ROOT.resolve("build/dev-tls/cert.pem");
        byte[] response = RawHttps.get(ca, httpsPort, "/images/logo.svg");
        String head = RawHttps.head(response);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"), head);
        assertArrayEquals(Files.readAllBytes(Project.HTDOCS.resolve("images/logo.svg")), RawHttps.body(response));
        String missing = RawHttps.head(RawHttps.get(ca, httpsPort, "/no/such/page"));
        assertTrue(missing.startsWith("HTTP/1.1 404 Not Found\r\n"), missing);
        assertTrue(missing.contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"), missing);
    }
}
