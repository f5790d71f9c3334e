package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NET=direct TLS=on: the website appliance on the from-scratch TCP/IP stack over a TAP device, in
 * a network namespace this test creates; the kernel's curl fetches every file byte-exact over
 * HTTP, then again over HTTPS (our TLS over our TCP), trusting only the development certificate.
 */
@Timeout(600)
class DirectStackApplianceTest {

    @TempDir
    static Path tmp;

    @Test
    void curlFetchesEveryFileOverHttpAndHttpsFromTheDirectStackOverTap() throws Exception {
        TapNamespace.assumeUsable("NET=direct over TAP", "curl");
        Path launcher = Project.configureAndBuild("www", tmp.resolve("www"),
                Map.of("NET", "direct", "PORT", "80", "IP", "10.0.0.2", "TAP", "tap0", "TLS", "on", "TLS_PORT", "443"));

        try (TapNamespace ns = TapNamespace.create("morgana-www")) {
            ns.startAppliance(launcher, tmp.resolve("www.log"));
            List<Path> files;
            try (var walk = Files.walk(Project.HTDOCS)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            fetchEveryFile(ns, files, tmp.resolve("got-http"), List.of(), "http://10.0.0.2/");
            // The development certificate names localhost: resolve it to the appliance's address.
            fetchEveryFile(ns, files, tmp.resolve("got-https"),
                    List.of("--cacert", Project.ROOT.resolve("build/dev-tls/cert.pem").toString(),
                            "--resolve", "localhost:443:10.0.0.2"), "https://localhost/");
        }
    }

    /** One curl in the namespace for every file (one connection, kept alive), compared byte for byte. */
    private static void fetchEveryFile(TapNamespace ns, List<Path> files, Path into, List<String> options, String base)
            throws Exception {
        Files.createDirectories(into);
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail",
                "--retry", "30", "--retry-connrefused", "--retry-delay", "1", "--max-time", "120"));
        command.addAll(options);
        for (int i = 0; i < files.size(); i++) {
            command.addAll(List.of("-o", into.resolve(Integer.toString(i)).toString(),
                    base + Project.HTDOCS.relativize(files.get(i))));
        }
        Commands.Result result = ns.run(400, command);
        assertEquals(0, result.status(), base + ": " + result.output() + "\nappliance:\n" + ns.applianceLog());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(into.resolve(Integer.toString(i))),
                    base + Project.HTDOCS.relativize(files.get(i)));
        }
    }
}
