package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.socket.SocketStackV4;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Tcpv4;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Flow} contract, run against both stacks: the kernel sockets on loopback and the
 * from-scratch TCP between two direct stacks on the in-memory switch (real time).
 */
@Timeout(60)
class FlowContractTest {

    static final Console CONSOLE = Console.of("quiet", line -> {});

    /** A client stack and a server stack and the address the server is reached at. */
    record Pair(String name, Tcpv4 client, Tcpv4 server, Ipv4Address serverAddress, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resources.close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Pair direct(TcpConfig config) {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), CONSOLE, config);
        DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), CONSOLE, config);
        return new Pair("direct", a.tcpv4(), b.tcpv4(), Hosts.ip(3), () -> {
            a.close();
            b.close();
        });
    }

    static Stream<Pair> stacks() {
        Ipv4Address loopback = Ipv4Address.parse("127.0.0.1");
        SocketStackV4 socket = new SocketStackV4(CONSOLE, loopback);
        return Stream.of(new Pair("socket", socket.tcpv4(), socket.tcpv4(), loopback, socket), direct(TcpConfig.DEFAULT));
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new SplittableRandom(n).nextBytes(b);
        return b;
    }

    /** A read of {@code flow} on a virtual thread; completes with what it threw, or null if it returned. */
    private static CompletableFuture<Throwable> readInBackground(Flow flow) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                flow.read(ByteBuffer.allocate(10));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
    }

    private static byte[] readAll(Flow flow) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
            out.write(buf.array(), 0, n);
            buf.clear();
        }
        assertEquals(-1, flow.read(ByteBuffer.allocate(1)), "end of stream stays");
        return out.toByteArray();
    }

    /** An echo server: everything read is written back; the flow closes when the handler returns. */
    private static Tcpv4.Listener echo(Tcpv4 tcp) throws IOException {
        return tcp.listen(0, flow -> {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (flow.read(buf) >= 0) {
                buf.flip();
                flow.write(buf);
                buf.clear();
            }
        });
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void bytesComeBackExactlyWithEndOfStreamAfterHalfClose(Pair pair) throws Exception {
        try (pair; Tcpv4.Listener l = echo(pair.server())) {
            byte[] sent = data(2_000_000);
            try (Flow flow = pair.client().connect(pair.serverAddress(), l.port())) {
                CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                    try {
                        return readAll(flow);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> Thread.ofVirtual().start(r));
                flow.writev(ByteBuffer.wrap(sent, 0, 1000), ByteBuffer.wrap(sent, 1000, sent.length - 1000));
                flow.shutdownOutput();
                flow.shutdownOutput();
                assertArrayEquals(sent, got.get(30, TimeUnit.SECONDS));
                assertThrows(IOException.class, () -> flow.write(ByteBuffer.wrap(new byte[] {1})), "no writing after shutdown");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void closingFromAnotherThreadUnblocksARead(Pair pair) throws Exception {
        try (pair; Tcpv4.Listener l = echo(pair.server())) {
            Flow flow = pair.client().connect(pair.serverAddress(), l.port());
            CompletableFuture<Throwable> outcome = readInBackground(flow);
            Thread.sleep(100);
            flow.close();
            flow.close();
            assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof IOException, "the blocked read fails with an IOException");
            assertThrows(IOException.class, () -> flow.read(ByteBuffer.allocate(1)));
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aClosedPortFailsTheConnectWithAnIOException(Pair pair) throws Exception {
        try (pair) {
            Tcpv4.Listener l = echo(pair.server());
            int port = l.port();
            l.close();
            IOException e = assertThrows(IOException.class, () -> pair.client().connect(pair.serverAddress(), port));
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aServerClosingEarlyGivesTheClientEndOfStream(Pair pair) throws Exception {
        try (pair; Tcpv4.Listener l = pair.server().listen(0, flow -> flow.write(ByteBuffer.wrap("bye".getBytes())))) {
            try (Flow flow = pair.client().connect(pair.serverAddress(), l.port())) {
                assertArrayEquals("bye".getBytes(), readAll(flow));
            }
        }
    }

    @Test
    void stoppingTheDirectStackFailsABlockedRead() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), CONSOLE);
        try (DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), CONSOLE);
                Tcpv4.Listener l = echo(b.tcpv4())) {
            Flow flow = a.tcpv4().connect(Hosts.ip(3), l.port());
            CompletableFuture<Throwable> outcome = readInBackground(flow);
            Thread.sleep(100);
            a.close();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            assertTrue(t instanceof IOException && t.getMessage().contains("stopped"), String.valueOf(t));
            flow.close();
        }
    }

    /** Thousands of connections open and close; afterwards neither engine holds any connection. */
    @Test
    void thousandsOfConnectionsLeaveNoStateBehind() throws Exception {
        MemorySwitch network = new MemorySwitch(Clock.system(), Impairments.NONE, 1);
        TcpConfig config = TcpConfig.DEFAULT.withTimeWait(Duration.ofMillis(200));
        try (DirectStackV4 a = DirectStackV4.start(network.connect(Hosts.mac(2)), Hosts.config(2), Clock.system(), new SeededRandom(2), CONSOLE, config);
                DirectStackV4 b = DirectStackV4.start(network.connect(Hosts.mac(3)), Hosts.config(3), Clock.system(), new SeededRandom(3), CONSOLE, config);
                Tcpv4.Listener l = echo(b.tcpv4())) {
            int connections = 2000;
            var threads = new java.util.ArrayList<Thread>();
            var failures = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 8; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < connections / 8; i++) {
                        byte[] msg = ("connection " + id + "/" + i).getBytes();
                        try (Flow flow = a.tcpv4().connect(Hosts.ip(3), l.port())) {
                            flow.write(ByteBuffer.wrap(msg));
                            flow.shutdownOutput();
                            if (!java.util.Arrays.equals(msg, readAll(flow))) {
                                failures.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(0, failures.get(), "every connection echoed its bytes");
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.tcpConnections() + b.tcpConnections() > 0 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(0, a.tcpConnections(), "client engine holds nothing");
            assertEquals(0, b.tcpConnections(), "server engine holds nothing");
        }
    }
}
