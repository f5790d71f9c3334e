package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.netif.PacketSocketNetwork;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.types.Clock;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stack on an AF_PACKET socket, as in a VM: two namespaces joined by a veth pair; the kernel
 * in one has 10.204.0.1, the stack owns the other end (kernel IP left unconfigured there).
 */
@Timeout(60)
class PacketSocketInteropTest {

    @Test
    void kernelAndStackExchangePingAndUdpOverAVethPair() throws Exception {
        Namespace.assumeUsable(PacketSocketInteropTest.class, "ping");
        try (Namespace kernel = Namespace.create(); Namespace appliance = Namespace.create()) {
            String suffix = Namespace.randomSuffix();
            String kernelEnd = "mgk" + suffix;
            String stackEnd = "mgs" + suffix;
            assertEquals(0, Namespace.run(10, "ip", "link", "add", kernelEnd, "netns", kernel.name, "type", "veth",
                    "peer", "name", stackEnd, "netns", appliance.name).exit());
            assertEquals(0, kernel.exec(10, "ip", "addr", "add", "10.204.0.1/24", "dev", kernelEnd).exit());
            assertEquals(0, kernel.exec(10, "ip", "link", "set", kernelEnd, "up").exit());
            assertEquals(0, appliance.exec(10, "ip", "link", "set", stackEnd, "up").exit());
            String stackMac = appliance.exec(10, "cat", "/sys/class/net/" + stackEnd + "/address").out().trim();

            try (PacketSocketNetwork net = PacketSocketNetwork.open(stackEnd, appliance.path());
                    DirectStackV4 stack = DirectStackV4.start(net, new Ipv4Config(Ipv4Address.parse("10.204.0.2"),
                            Ipv4Address.parse("255.255.255.0"), Optional.empty()), Clock.system(), new SeededRandom(4), FlowContractTest.CONSOLE)) {
                assertEquals(MacAddress.parse(stackMac), net.mac(), "the stack takes the interface's own address");
                assertEquals(1500, net.mtu());
                Namespace.Result ping = kernel.exec(20, "ping", "-c", "3", "-i", "0.2", "-w", "10", "10.204.0.2");
                assertEquals(0, ping.exit(), ping.out());
                assertTrue(ping.out().contains("3 packets transmitted, 3 received"), ping.out());
                assertTrue(stack.ping(Ipv4Address.parse("10.204.0.1"), 1, Duration.ofSeconds(5)).isPresent(), stack.stats().lines().toString());
                assertEquals(0, stack.stats().ipv4().malformed(), "our own frames are not looped back");
                if (Namespace.installed("socat")) {
                    // The kernel sends over veth with checksum offload: the netif must finish the checksum.
                    java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.ArrayBlockingQueue<>(4);
                    stack.udpv4().listen(5555, (src, sport, dport, payload) -> got.add(java.nio.charset.StandardCharsets.UTF_8.decode(payload).toString()));
                    Namespace.Result sent = kernel.exec(10, "sh", "-c", "printf 'offloaded hello' | socat -u - UDP4-SENDTO:10.204.0.2:5555");
                    assertEquals(0, sent.exit(), sent.out());
                    assertEquals("offloaded hello", got.poll(5, java.util.concurrent.TimeUnit.SECONDS), stack.stats().lines().toString());
                    assertEquals(0, stack.stats().udp().malformed());
                }
            }
        }
    }

    @Test
    void framesTheKernelDropsForAFullReceiveQueueAreCounted() throws Exception {
        Namespace.assumeUsable(PacketSocketInteropTest.class);
        try (Namespace ns = Namespace.create()) {
            String suffix = Namespace.randomSuffix();
            String sender = "mga" + suffix;
            String receiver = "mgb" + suffix;
            assertEquals(0, ns.exec(10, "ip", "link", "add", sender, "type", "veth", "peer", "name", receiver).exit());
            assertEquals(0, ns.exec(10, "ip", "link", "set", sender, "up").exit());
            assertEquals(0, ns.exec(10, "ip", "link", "set", receiver, "up").exit());
            try (PacketSocketNetwork in = PacketSocketNetwork.open(receiver, ns.path());
                    PacketSocketNetwork out = PacketSocketNetwork.open(sender, ns.path())) {
                assertEquals(0, in.receiveDrops(), "nothing dropped yet");
                // Nobody reads `in`: 30,000 full-sized frames are far more than its 8 MiB queue holds.
                byte[] frame = new byte[1514];
                java.nio.ByteBuffer.wrap(frame).put(in.mac().toBytes()).put(out.mac().toBytes()).putShort((short) 0x88b5); // local experimental type
                for (int i = 0; i < 30_000; i++) {
                    out.send(java.nio.ByteBuffer.wrap(frame));
                }
                long dropped = in.receiveDrops();
                assertTrue(dropped > 0 && dropped < 30_000, "the kernel counted the frames it dropped: " + dropped);
                assertEquals(0, in.receiveDrops(), "the count starts again after each read");
                assertTrue(in.receive(java.nio.ByteBuffer.allocate(2048), Duration.ofSeconds(1)), "what fitted is still there");
            }
        }
    }

    @Test
    void namesAMissingInterface() {
        Assumptions.assumeTrue(Namespace.unavailableReason() == null, "needs root");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> PacketSocketNetwork.open("mgnone0"));
        assertEquals("AF_PACKET: no network interface named mgnone0", e.getMessage());
        IOException ns = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> PacketSocketNetwork.open("lo", Path.of("/var/run/netns/morgana-no-such-namespace")));
        assertTrue(ns.getMessage().startsWith("AF_PACKET: cannot open network namespace"), ns.getMessage());
        assertTrue(Files.notExists(Path.of("/var/run/netns/morgana-no-such-namespace")));
    }
}
