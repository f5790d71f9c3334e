package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Commands.available("ip") && Commands.available("curl") && Files.exists(Path.of("/dev/net/tun"));
        if (!root || !tools) {
            System.out.println("SKIPPED: NET=direct over TAP needs root, /dev/net/tun, ip and curl");
        }
        assumeTrue(root && tools, "needs root and TAP");
        Path launcher = Project.configureAndBuild("www", tmp.resolve("www"),
                Map.of("NET", "direct", "PORT", "80", "IP", "10.0.0.2", "TAP", "tap0", "TLS", "on", "TLS_PORT", "443"));

        String ns = "morgana-www-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Path log = tmp.resolve("www.log");
        Process appliance = null;
        try {
            Commands.check(Map.of(), 30, "ip", "netns", "add", ns);
            Commands.check(Map.of(), 30, "ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap");
            Commands.check(Map.of(), 30, "ip", "-n", ns, "addr", "add", "10.0.0.1/24", "dev", "tap0");
            Commands.check(Map.of(), 30, "ip", "-n", ns, "link", "set", "tap0", "up");
            appliance = new ProcessBuilder("ip", "netns", "exec", ns, launcher.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();

            List<Path> files;
            try (var walk = Files.walk(Project.HTDOCS)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            fetchEveryFile(ns, files, tmp.resolve("got-http"), log, List.of(), "http://10.0.0.2/");
            // The development certificate names localhost: resolve it to the appliance's address.
            fetchEveryFile(ns, files, tmp.resolve("got-https"), log,
                    List.of("--cacert", Project.ROOT.resolve("build/dev-tls/cert.pem").toString(),
                            "--resolve", "localhost:443:10.0.0.2"), "https://localhost/");
        } finally {
            if (appliance != null) {
                appliance.destroy();
                if (!appliance.waitFor(15, TimeUnit.SECONDS)) {
                    appliance.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            Commands.run(Map.of(), 30, List.of("ip", "netns", "del", ns));
        }
    }

    /** One curl in the namespace for every file (one connection, kept alive), compared byte for byte. */
    private static void fetchEveryFile(String ns, List<Path> files, Path into, Path log, List<String> options,
            String base) throws Exception {
        Files.createDirectories(into);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "curl", "-sS", "--fail",
                "--retry", "30", "--retry-connrefused", "--retry-delay", "1", "--max-time", "120"));
        command.addAll(options);
        for (int i = 0; i < files.size(); i++) {
            command.addAll(List.of("-o", into.resolve(Integer.toString(i)).toString(),
                    base + Project.HTDOCS.relativize(files.get(i))));
        }
        Commands.Result result = Commands.run(Map.of(), 400, command);
        assertEquals(0, result.status(), base + ": " + result.output() + "\nappliance:\n" + Files.readString(log));
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(into.resolve(Integer.toString(i))),
                    base + Project.HTDOCS.relativize(files.get(i)));
        }
    }
}
