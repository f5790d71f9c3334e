package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two threaded stacks on the in-memory switch in real time, through the StackV4 API. */
@Timeout(30)
class DirectStackV4Test {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Console console = Console.of("test", lines::add);

    @Test
    void pingsAndExchangesUdpThroughTheStackV4Api() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        try (DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), console);
                DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), console)) {
            assertEquals(List.of(Hosts.ip(2)), a.addresses());
            assertTrue(a.ping(Hosts.ip(3), 1, Duration.ofSeconds(5)).isPresent());
            BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
            // An echo service on b, answering from its handler (on b's loop thread).
            b.udpv4().listen(7, (src, sport, dport, payload) -> {
                try {
                    b.udpv4().send(7, src, sport, payload.duplicate());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            a.udpv4().listen(5000, (src, sport, dport, payload) -> got.add(src + ":" + sport + " " + java.nio.charset.StandardCharsets.UTF_8.decode(payload)));
            ByteBuffer hello = ByteBuffer.wrap("hello, b".getBytes());
            a.udpv4().send(5000, Hosts.ip(3), 7, hello);
            assertEquals(hello.limit(), hello.position(), "send consumes the buffer");
            assertEquals("10.0.0.3:7 hello, b", got.poll(5, TimeUnit.SECONDS));
            StackStats stats = b.stats();
            assertEquals(1, stats.icmp().echoesAnswered());
            assertEquals(1, stats.udp().received());
            assertTrue(stats.lines().getFirst().startsWith("ethernet: "));
        }
    }

    @Test
    void leasesAnAddressByDhcpOverTheSwitch() throws Exception {
        // The server is a threaded stack answering DHCP from its UDP handler.
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        try (DirectStackV4 server = DirectStackV4.start(network.connect(Hosts.mac(1)), Hosts.config(1), Clock.system(), new SeededRandom(1), console)) {
            server.udpv4().listen(67, new ThreadedDhcpServer(server.udpv4()));
            try (DirectStackV4 client = DirectStackV4.startDhcp(network.connect(Hosts.mac(9)), Clock.system(), new SeededRandom(9), console,
                    Duration.ofSeconds(10))) {
                assertEquals(List.of(Hosts.ip(50)), client.addresses());
                assertTrue(server.ping(Hosts.ip(50), 1, Duration.ofSeconds(5)).isPresent());
                assertTrue(lines.contains("dhcp: bound 10.0.0.50 netmask 255.255.255.0 router 10.0.0.1 for 100 s"), lines.toString());
            }
        }
    }

    @Test
    void failsClearlyWhenNoDhcpServerAnswers() {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        IOException e = assertThrows(IOException.class, () -> DirectStackV4.startDhcp(network.connect(Hosts.mac(9)), Clock.system(),
                new SeededRandom(9), console, Duration.ofMillis(300)));
        assertTrue(e.getMessage().startsWith("DHCP: no lease from any server on memory-switch-port:02:00:00:00:00:09"), e.getMessage());
    }

    @Test
    void udpWithoutRouteFailsWithAClearError() {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        try (DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)),
                new dev.morgana.tcpip.ipv4.Ipv4Config(Hosts.ip(2), Ipv4Address.parse("255.255.255.0"), java.util.Optional.empty()),
                Clock.system(), new SeededRandom(2), console)) {
            IOException e = assertThrows(IOException.class, () -> a.udpv4().send(1000, Ipv4Address.parse("192.0.2.1"), 1000, ByteBuffer.allocate(1)));
            assertEquals("UDP: no route to 192.0.2.1 (no gateway configured)", e.getMessage());
        }
    }

    /** Answers DISCOVER with OFFER and REQUEST with ACK for 10.0.0.50, from a stack's UDP handler. */
    private record ThreadedDhcpServer(dev.morgana.types.Udpv4 udp) implements dev.morgana.types.Udpv4.DatagramHandler {
        @Override
        public void receive(Ipv4Address source, int sourcePort, int destinationPort, ByteBuffer payload) {
            try {
                DhcpMessage m = DhcpMessage.parse(payload);
                int type = m.messageType() == DhcpMessage.DISCOVER ? DhcpMessage.OFFER : DhcpMessage.ACK;
                DhcpMessage answer = new DhcpMessage(DhcpMessage.BOOTREPLY, m.xid(), 0, true, Ipv4Address.ANY, Hosts.ip(50), Hosts.ip(1),
                        Ipv4Address.ANY, m.chaddr(), DhcpMessage.options(DhcpMessage.OPT_MESSAGE_TYPE, (byte) type,
                                DhcpMessage.OPT_SERVER_ID, Hosts.ip(1), DhcpMessage.OPT_LEASE_TIME, 100,
                                DhcpMessage.OPT_SUBNET_MASK, Ipv4Address.parse("255.255.255.0"), DhcpMessage.OPT_ROUTER, Hosts.ip(1)));
                udp.send(67, Ipv4Address.BROADCAST, 68, ByteBuffer.wrap(answer.toBytes()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void severalThreadsPingAtOnce() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        try (DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), console);
                DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), console)) {
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < 8; i++) {
                int seq = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (a.ping(Hosts.ip(3), seq, Duration.ofSeconds(5)).isPresent()) {
                            answered.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(10));
            }
            assertEquals(8, answered.get());
            assertEquals(8, b.stats().icmp().echoesAnswered());
            assertTrue(a.ping(Hosts.ip(4), 1, Duration.ofMillis(200)).isEmpty(), "nobody at 10.0.0.4");
        }
    }

    @Test
    void payloadBytesSurviveTheRoundTrip() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        try (DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), console);
                DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), console)) {
            BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(10);
            b.udpv4().listen(9, (src, sport, dport, payload) -> {
                byte[] d = new byte[payload.remaining()];
                payload.get(d);
                got.add(d);
            });
            byte[] big = new byte[9000];
            new java.util.SplittableRandom(3).nextBytes(big);
            a.udpv4().send(1000, Hosts.ip(3), 9, ByteBuffer.wrap(big));
            assertArrayEquals(big, got.poll(5, TimeUnit.SECONDS), "fragmented and reassembled");
        }
    }
}
