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
 * NET=direct: the website appliance on the from-scratch TCP/IP stack over a TAP device, in a
 * network namespace this test creates; the kernel's curl fetches every file byte-exact.
 */
@Timeout(600)
class DirectStackApplianceTest {

    @TempDir
    static Path tmp;

    @Test
    void curlFetchesEveryFileFromTheDirectStackOverTap() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Commands.available("ip") && Commands.available("curl") && Files.exists(Path.of("/dev/net/tun"));
        if (!root || !tools) {
            System.out.println("SKIPPED: NET=direct over TAP needs root, /dev/net/tun, ip and curl");
        }
        assumeTrue(root && tools, "needs root and TAP");
        Path launcher = Project.configureAndBuild("www", tmp.resolve("www"),
                Map.of("NET", "direct", "PORT", "80", "IP", "10.0.0.2", "TAP", "tap0"));

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
            Path got = Files.createDirectories(tmp.resolve("got"));
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "curl", "-sS", "--fail",
                    "--retry", "30", "--retry-connrefused", "--retry-delay", "1", "--max-time", "120"));
            for (int i = 0; i < files.size(); i++) {
                command.addAll(List.of("-o", got.resolve(Integer.toString(i)).toString(),
                        "http://10.0.0.2/" + Project.HTDOCS.relativize(files.get(i))));
            }
            Commands.Result result = Commands.run(Map.of(), 400, command);
            assertEquals(0, result.status(), result.output() + "\nappliance:\n" + Files.readString(log));
            for (int i = 0; i < files.size(); i++) {
                assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(got.resolve(Integer.toString(i))),
                        files.get(i).toString());
            }
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
}
