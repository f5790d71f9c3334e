package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.PcapTap;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The stack against the Linux kernel over a TAP device inside a network namespace this test
 * creates and removes: ping both ways, UDP with socat, a DHCP lease from dnsmasq. Root only; the
 * traffic is captured to target/interop-*.pcap and checked with tshark when it is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TapInteropTest {

    private final Console console = Console.of("test", line -> {});
    private TapLink<PcapTap> link;
    private final Path pcap = Path.of("target", "interop-static.pcap").toAbsolutePath();

    @BeforeAll
    void setUp() throws IOException {
        Namespace.assumeUsable(TapInteropTest.class, "ping");
        link = TapLink.open("10.201.0", MacAddress.parse("02:00:00:00:02:02"), TapNetwork.Offloads.CHECKSUM_AND_TSO,
                (device, ifname) -> PcapTap.wrap(device, pcap), 1, console);
    }

    @AfterAll
    void tearDown() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void kernelPingsTheStack() throws IOException {
        Namespace.Result r = link.ns.exec(20, "ping", "-c", "3", "-i", "0.2", "-w", "10", link.stackIp.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("3 packets transmitted, 3 received"), r.out());
        assertTrue(link.stack.stats().icmp().echoesAnswered() >= 3);
    }

    @Test
    void stackPingsTheKernel() throws InterruptedException {
        Optional<Duration> rtt = link.stack.ping(link.kernelIp, 1, Duration.ofSeconds(5));
        assertTrue(rtt.isPresent(), "no echo reply from the kernel: " + link.stack.stats().lines());
    }

    @Test
    void kernelLargePingIsFragmentedAndReassembledBothWays() throws IOException {
        Namespace.Result r = link.ns.exec(20, "ping", "-c", "2", "-i", "0.2", "-W", "3", "-s", "4000", link.stackIp.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("4008 bytes from " + link.stackIp), r.out());
        assertTrue(link.stack.stats().ipv4().reassembled() >= 2);
    }

    @Test
    void socatExchangesUdpWithTheStack() throws Exception {
        assumeSocat();
        link.stack.udpv4().listen(5555, (src, sport, dport, payload) -> {
            ByteBuffer reply = ByteBuffer.allocate(6 + payload.remaining()).put("echo: ".getBytes()).put(payload).flip();
            try {
                link.stack.udpv4().send(5555, src, sport, reply);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Process p = new ProcessBuilder("ip", "netns", "exec", link.ns.name, "socat", "-t", "2", "-T", "5", "-", "UDP4:" + link.stackIp + ":5555")
                .redirectErrorStream(true).start();
        try {
            p.getOutputStream().write("hello from socat\n".getBytes());
            p.getOutputStream().close();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "socat did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("echo: hello from socat\n", out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void stackSendsUdpToAKernelSocket() throws Exception {
        assumeSocat();
        Path out = Files.createTempFile("morgana-socat", ".out");
        Process p = link.ns.start(out, "socat", "-u", "UDP4-RECV:6666", "STDOUT");
        try {
            byte[] message = "hello from morgana\n".getBytes();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // socat may not be bound yet: resend until it prints the line.
            while (!Files.readString(out).contains("hello from morgana") && System.nanoTime() < until) {
                link.stack.udpv4().send(40000, link.kernelIp, 6666, ByteBuffer.wrap(message));
                Thread.sleep(200);
            }
            assertTrue(Files.readString(out).startsWith("hello from morgana\n"), Files.readString(out));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    @Test
    void leasesAnAddressFromDnsmasq() throws Exception {
        Assumptions.assumeTrue(Namespace.installed("dnsmasq"), "dnsmasq is not installed");
        String tap2 = Namespace.createTap();
        Path dir = Files.createTempDirectory("morgana-dnsmasq");
        Network net2 = null;
        Process dnsmasq = null;
        try {
            Path pcap2 = Path.of("target", "interop-dhcp.pcap").toAbsolutePath();
            net2 = PcapTap.wrap(TapNetwork.open(tap2, MacAddress.parse("02:00:00:00:02:03"), 1500), pcap2);
            link.ns.adopt(tap2, "10.202.0.1/24");
            dnsmasq = link.ns.start(dir.resolve("dnsmasq.log"), "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                    "--user=root", "--no-ping", "--interface=" + tap2, "--bind-interfaces", "--dhcp-range=10.202.0.50,10.202.0.60,255.255.255.0,2m",
                    "--dhcp-option=option:router,10.202.0.1", "--dhcp-leasefile=" + dir.resolve("leases"), "--log-dhcp",
                    "--pid-file=" + dir.resolve("pid"));
            // Start the client once dnsmasq listens, or its first DISCOVER waits 4 s for a retry.
            Path dnsmasqLog = dir.resolve("dnsmasq.log");
            for (int i = 0; i < 100 && !Files.readString(dnsmasqLog).contains("DHCP, sockets bound"); i++) {
                Thread.sleep(50);
            }
            try (DirectStackV4 client = DirectStackV4.startDhcp(net2, Clock.system(), new SeededRandom(2), console, Duration.ofSeconds(20))) {
                Ipv4Address leased = client.addresses().getFirst();
                int last = leased.bits() & 0xff;
                assertTrue(leased.toString().startsWith("10.202.0.") && last >= 50 && last <= 60, leased.toString());
                assertEquals(Optional.of(Ipv4Address.parse("10.202.0.1")), client.config().gateway());
                assertEquals(Ipv4Address.parse("255.255.255.0"), client.config().netmask());
                Namespace.Result ping = link.ns.exec(20, "ping", "-c", "2", "-i", "0.2", "-W", "3", leased.toString());
                assertEquals(0, ping.exit(), ping.out());
                String leases = Files.readString(dir.resolve("leases"));
                assertTrue(leases.contains("02:00:00:00:02:03") && leases.contains(leased.toString()), leases);
            }
            if (tshark()) {
                Namespace.Result r = Namespace.run(30, "tshark", "-r", pcap2.toString(), "-Y", "dhcp");
                assertTrue(r.out().contains("DHCP Discover") && r.out().contains("DHCP Offer") && r.out().contains("DHCP Request")
                        && r.out().contains("DHCP ACK"), r.out());
            }
        } finally {
            if (dnsmasq != null) {
                dnsmasq.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            if (net2 != null) {
                net2.close();
            }
            Namespace.deleteTap(tap2);
            Namespace.run(10, "ip", "-n", link.ns.name, "link", "del", tap2);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void captureIsReadableByTshark() throws Exception {
        Assumptions.assumeTrue(tshark(), "tshark is not installed");
        link.stack.ping(link.kernelIp, 99, Duration.ofSeconds(5));
        Namespace.Result r = Namespace.run(30, "tshark", "-r", pcap.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("Echo (ping) request") && r.out().contains("Echo (ping) reply"), r.out());
    }

    private static void assumeSocat() throws IOException {
        boolean present = Namespace.installed("socat");
        if (!present) {
            System.out.println("TapInteropTest: socat not installed, UDP interop skipped (scripts/deps.sh installs it)");
        }
        Assumptions.assumeTrue(present, "socat is not installed");
    }

    private static boolean tshark() throws IOException {
        return Namespace.installed("tshark");
    }
}
