package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS=on: headless Chromium (Debian's package), trusting the development certificate through an
 * NSS database in a temporary HOME (no --ignore-certificate-errors), loads the HTTPS home page;
 * the appliance's access log shows the page and every subresource it references answered 200.
 * The screenshot is kept under target/chromium/ as a test artefact.
 */
@Timeout(600)
class ChromiumHttpsApplianceTest {

    /** Chromium's requests in the access log: path and status. */
    private static final Pattern CHROME_REQUEST =
            Pattern.compile("\"GET (\\S+) HTTP/1\\.1\" (\\d{3}) .*HeadlessChrome");
    /** Same-site references of a page: stylesheets, icons, images, scripts. */
    private static final Pattern REFERENCE =
            Pattern.compile("<(?:link|img|script)\\b[^>]*?\\b(?:href|src)=\"(/[^\"]*)\"");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    static Path tmp;

    @Test
    void chromiumTrustingTheTestCertificateLoadsEverySubresourceOverHttps() throws Exception {
        boolean tools = Commands.available("chromium") && Commands.available("certutil");
        if (!tools) {
            System.out.println("SKIPPED: needs chromium and certutil (Debian chromium, libnss3-tools; make deps installs them)");
        }
        assumeTrue(tools, "needs chromium and certutil");
        int port = RunningAppliance.freePort();
        int httpsPort = RunningAppliance.freePort();
        Path launcher = Project.configureAndBuild("www", tmp.resolve("www"),
                Map.of("PORT", Integer.toString(port), "TLS", "on", "TLS_PORT", Integer.toString(httpsPort)));
        try (RunningAppliance appliance = RunningAppliance.start(launcher, port, Duration.ofSeconds(120))) {
            RunningAppliance.awaitPort(httpsPort, Duration.ofSeconds(30));

            // Without HTTPS_REDIRECT the plain port serves the site, never with HSTS (RFC 6797 §7.2).
            String plain = new String(RawHttp.exchange(port, "GET", "/"), StandardCharsets.ISO_8859_1);
            assertTrue(plain.startsWith("HTTP/1.1 200 OK\r\n"), plain);
            assertFalse(plain.contains("Strict-Transport-Security"), plain);

            Path home = Files.createDirectories(tmp.resolve("home"));
            Path nssdb = Files.createDirectories(home.resolve(".pki/nssdb"));
            Path cert = Project.ROOT.resolve("build/dev-tls/cert.pem");
            Commands.check(Map.of(), 30, "certutil", "-N", "-d", "sql:" + nssdb, "--empty-password");
            // "P": a trusted peer. The development certificate is a self-signed leaf (CA:FALSE),
            // which Chromium accepts as an anchor only with peer trust.
            Commands.check(Map.of(), 30, "certutil", "-A", "-d", "sql:" + nssdb, "-n", "morgana-test", "-t", "P,,",
                    "-i", cert.toString());

            Path screenshot = Path.of("target/chromium/https-home.png").toAbsolutePath();
            Files.createDirectories(screenshot.getParent());
            Files.deleteIfExists(screenshot);
            Commands.Result chromium = Commands.run(Map.of("HOME", home.toString()), 120, List.of("chromium",
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")),
                    "--window-size=1280,900", "--screenshot=" + screenshot,
                    "https://localhost:" + httpsPort + "/"));
            assertEquals(0, chromium.status(), chromium.output());
            assertFalse(chromium.output().contains("net::ERR_"), chromium.output());
            byte[] png = Files.readAllBytes(screenshot);
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), "a PNG screenshot");
            System.out.println("Chromium's screenshot of the HTTPS site: " + screenshot);

            Set<String> expected = new TreeSet<>(List.of("/"));
            Matcher reference = REFERENCE.matcher(Files.readString(Project.HTDOCS.resolve("index.html")));
            while (reference.find()) {
                expected.add(reference.group(1));
            }
            assertTrue(expected.size() > 2, "the home page references subresources: " + expected);
            // The favicon may be fetched a moment after the screenshot: wait for the log to catch up.
            Map<String, List<String>> statuses = chromeRequests(appliance.output());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!statuses.keySet().containsAll(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                statuses = chromeRequests(appliance.output());
            }
            assertTrue(statuses.keySet().containsAll(expected),
                    "Chromium requested " + statuses.keySet() + ", expected at least " + expected);
            statuses.forEach((path, codes) -> assertTrue(codes.stream().allMatch("200"::equals),
                    path + " answered " + codes + "\n" + appliance.output()));
        }
    }

    /** Path → statuses of every request Chromium made, from the access log. */
    private static Map<String, List<String>> chromeRequests(String accessLog) {
        Map<String, List<String>> statuses = new TreeMap<>();
        Matcher m = CHROME_REQUEST.matcher(accessLog);
        while (m.find()) {
            statuses.computeIfAbsent(m.group(1), p -> new ArrayList<>()).add(m.group(2));
        }
        return statuses;
    }
}
