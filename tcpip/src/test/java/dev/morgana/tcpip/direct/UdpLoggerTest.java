package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpLoggerTest {

    @Test
    void logsEveryDatagramOnAnyPortAndAnswersPing() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Console console = Console.of("test", lines::add);
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        UdpLogger logger = new UdpLogger(network.connect(Hosts.mac(2)), Clock.system(), console, Hosts.config(2));
        Thread job = Thread.ofVirtual().start(() -> {
            try {
                logger.run();
            } catch (Exception e) {
                lines.add("failed: " + e);
            }
        });
        try (DirectStackV4 peer = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), console)) {
            assertTrue(peer.ping(Hosts.ip(2), 1, Duration.ofSeconds(5)).isPresent());
            peer.udpv4().send(1234, Hosts.ip(2), 9999, ByteBuffer.wrap("hello logger\n".getBytes()));
            peer.udpv4().send(1234, Hosts.ip(2), 53, ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff}));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (lines.size() < 3 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(List.of("udp-logger: listening on 10.0.0.2 (memory-switch-port:02:00:00:00:00:02), logging every UDP datagram",
                    "udp 10.0.0.3:1234 -> port 9999, 13 bytes: \"hello logger\\n\"",
                    "udp 10.0.0.3:1234 -> port 53, 3 bytes: 0001ff"), lines);
            assertEquals(0, peer.stats().icmp().received() - 1, "only the echo reply: no port unreachable came back");
        } finally {
            job.interrupt();
            job.join(Duration.ofSeconds(5));
        }
    }
}
