package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

        TapNamespace.assumeUsable("running the custom stack", "ping", "socat");

        try (TapNamespace ns = TapNamespace.create("morgana-udp")) {
            ns.startAppliance(launcher, tmp.resolve("udp-logger.log"));
            ns.awaitLog("udp-logger: listening");

            Commands.Result ping = ns.run(60, List.of("ping", "-c", "2", "-W", "5", "10.0.0.2"));
            assertEquals(0, ping.status(), "the kernel's ping is answered:\n" + ping.output());

            ns.check(30, "sh", "-c", "printf hello-from-the-kernel | socat - UDP4-SENDTO:10.0.0.2:5353");
            ns.awaitLog("hello-from-the-kernel");
            assertTrue(ns.applianceLog().contains("-> port 5353"), ns.applianceLog());
        }
        // PCAP=file recorded the exchange, in a format tshark reads.
        assertTrue(Files.size(capture) > 24, "the capture has frames");
        if (Commands.available("tshark")) {
            String udp = Commands.check(Map.of(), 60, "tshark", "-r", capture.toString(),
                    "-Y", "udp.dstport == 5353", "-T", "fields", "-e", "ip.src", "-e", "udp.dstport");
            assertTrue(udp.contains("10.0.0.1\t5353"), "tshark sees the datagram:\n" + udp);
        }
    }
}
