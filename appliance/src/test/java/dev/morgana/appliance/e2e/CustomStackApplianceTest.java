package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial's custom-stack appliance (configs/udp-logger): built from a TAP device with the
 * layers assembled by the application itself. As root, inside a network namespace this test
 * creates, the kernel pings it and sends it a UDP datagram, which it must log.
 */
@Timeout(600)
class CustomStackApplianceTest {

    @TempDir
    static Path tmp;

    @Test
    void udpLoggerAnswersPingAndLogsDatagramsOverTap() throws Exception {
        Path capture = tmp.resolve("frames.pcap");
        Path launcher = Project.configureAndBuild("udp-logger", tmp.resolve("udp-logger"), Map.of("PCAP", capture.toString()));
        assertTrue(Files.isExecutable(launcher));

        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Commands.available("ip") && Commands.available("socat") && Commands.available("ping")
                && Files.exists(Path.of("/dev/net/tun"));
        if (!root || !tools) {
            System.out.println("SKIPPED: running the custom stack needs root, /dev/net/tun, ip, ping and socat");
        }
        assumeTrue(root && tools, "needs root and TAP");

        String ns = "morgana-udp-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Path log = tmp.resolve("udp-logger.log");
        Process appliance = null;
        try {
            Commands.check(Map.of(), 30, "ip", "netns", "add", ns);
            Commands.check(Map.of(), 30, "ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap");
            Commands.check(Map.of(), 30, "ip", "-n", ns, "addr", "add", "10.0.0.1/24", "dev", "tap0");
            Commands.check(Map.of(), 30, "ip", "-n", ns, "link", "set", "tap0", "up");
            appliance = new ProcessBuilder("ip", "netns", "exec", ns, launcher.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            waitForLine(log, "udp-logger: listening", appliance);

            Commands.Result ping = Commands.run(Map.of(), 60, List.of("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "5", "10.0.0.2"));
            assertEquals(0, ping.status(), "the kernel's ping is answered:\n" + ping.output());

            Commands.check(Map.of(), 30, "ip", "netns", "exec", ns, "sh", "-c",
                    "printf hello-from-the-kernel | socat - UDP4-SENDTO:10.0.0.2:5353");
            waitForLine(log, "hello-from-the-kernel", appliance);
            assertTrue(Files.readString(log).contains("-> port 5353"), Files.readString(log));
        } finally {
            if (appliance != null) {
                appliance.destroy();
                if (!appliance.waitFor(15, TimeUnit.SECONDS)) {
                    appliance.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            Commands.run(Map.of(), 30, List.of("ip", "netns", "del", ns));
        }
        // PCAP=file recorded the exchange, in a format tshark reads.
        assertTrue(Files.size(capture) > 24, "the capture has frames");
        if (Commands.available("tshark")) {
            String udp = Commands.check(Map.of(), 60, "tshark", "-r", capture.toString(),
                    "-Y", "udp.dstport == 5353", "-T", "fields", "-e", "ip.src", "-e", "udp.dstport");
            assertTrue(udp.contains("10.0.0.1\t5353"), "tshark sees the datagram:\n" + udp);
        }
    }

    private static void waitForLine(Path log, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the appliance exited:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the appliance's log:\n" + Files.readString(log));
    }
}
