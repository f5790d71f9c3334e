package dev.morgana.tcpip.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.SelectableTcpv4;
import dev.morgana.types.Tcpv4;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketStackV4Test {

    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Console console = Console.of("test", log::add);
    private final SocketStackV4 stack = new SocketStackV4(console, LOOPBACK);

    @AfterEach
    void closeStack() {
        stack.close();
    }

    /** Echoes everything, then half-closes when the peer has. */
    private static void echo(Flow flow) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (flow.read(buffer) >= 0) {
            buffer.flip();
            flow.write(buffer);
            buffer.clear();
        }
        flow.shutdownOutput();
    }

    private static byte[] readToEnd(Flow flow) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int n;
        while ((n = flow.read(buffer)) >= 0) {
            out.write(buffer.array(), 0, n);
            buffer.clear();
        }
        return out.toByteArray();
    }

    @Test
    void echoesLargeTransferByteExactAndSignalsEndOfStream() throws Exception {
        try (Tcpv4.Listener listener = stack.tcpv4().listen(0, SocketStackV4Test::echo)) {
            byte[] data = new byte[3 * 1024 * 1024 + 17];
            new Random(42).nextBytes(data);
            try (Flow flow = stack.tcpv4().connect(LOOPBACK, listener.port())) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        flow.writev(ByteBuffer.wrap(data, 0, 1000), ByteBuffer.wrap(data, 1000, data.length - 1000));
                        flow.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] echoed = readToEnd(flow);
                writer.join();
                assertArrayEquals(data, echoed);
                assertEquals(-1, flow.read(ByteBuffer.allocate(1)), "EOF is sticky");
            }
        }
    }

    @Test
    void reportsRemoteAddressOfAcceptedFlows() throws Exception {
        BlockingQueue<String> remotes = new ArrayBlockingQueue<>(1);
        try (Tcpv4.Listener listener = stack.tcpv4().listen(0, flow -> remotes.add(flow.remote()))) {
            try (Flow flow = stack.tcpv4().connect(LOOPBACK, listener.port())) {
                String remote = remotes.poll(10, TimeUnit.SECONDS);
                assertTrue(remote != null && remote.startsWith("127.0.0.1:"), "remote was " + remote);
                assertTrue(flow.remote().equals("127.0.0.1:" + listener.port()));
            }
        }
    }

    @Test
    void closesFlowWhenHandlerReturns() throws Exception {
        try (Tcpv4.Listener listener = stack.tcpv4().listen(0, flow -> flow.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII))))) {
            try (Flow flow = stack.tcpv4().connect(LOOPBACK, listener.port())) {
                assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), readToEnd(flow));
            }
        }
    }

    @Test
    void handlerFailureIsLoggedAndDoesNotStopTheListener() throws Exception {
        try (Tcpv4.Listener listener = stack.tcpv4().listen(0, flow -> {
            throw new IllegalStateException("boom");
        })) {
            for (int i = 0; i < 3; i++) {
                try (Flow flow = stack.tcpv4().connect(LOOPBACK, listener.port())) {
                    assertEquals(-1, flow.read(ByteBuffer.allocate(1)));
                }
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("boom")), "log: " + log);
        }
    }

    @Test
    void connectToClosedPortFailsWithMessageNamingIt() throws Exception {
        // A bound socket that does not listen holds the port, so nothing else can take it meanwhile.
        try (java.net.Socket holder = new java.net.Socket()) {
            holder.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = holder.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> stack.tcpv4().connect(LOOPBACK, port));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void listenOnBusyPortFailsWithMessageNamingIt() throws Exception {
        try (Tcpv4.Listener listener = stack.tcpv4().listen(0, flow -> {})) {
            IOException e = assertThrows(IOException.class, () -> stack.tcpv4().listen(listener.port(), flow -> {}));
            assertTrue(e.getMessage().contains(":" + listener.port()), e.getMessage());
        }
    }

    @Test
    void udpDatagramsRoundTripIncludingEmptyOnes() throws Exception {
        BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(4);
        try (SocketStackV4 other = new SocketStackV4(console, LOOPBACK)) {
            int port = 40_000 + new Random().nextInt(20_000);
            other.udpv4().listen(port, (src, srcPort, dstPort, payload) -> {
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                received.add(bytes);
            });
            stack.udpv4().send(0, LOOPBACK, port, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            stack.udpv4().send(0, LOOPBACK, port, ByteBuffer.allocate(0));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), received.poll(10, TimeUnit.SECONDS));
            assertArrayEquals(new byte[0], received.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void boundChannelAcceptsConnectionsThatBecomeFlowsAndClosesWithTheStack() throws Exception {
        SelectableTcpv4 tcp = (SelectableTcpv4) stack.tcpv4();
        java.nio.channels.ServerSocketChannel server = tcp.bind(0);
        int port = ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
        try (Flow client = tcp.connect(LOOPBACK, port)) {
            java.nio.channels.SocketChannel accepted = server.accept();
            try (Flow flow = tcp.adopt(accepted)) {
                assertTrue(flow.remote().startsWith("127.0.0.1:"), flow.remote());
                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer got = ByteBuffer.allocate(4);
                while (got.hasRemaining() && flow.read(got) >= 0) {
                    // until four bytes arrived
                }
                assertEquals("ping", new String(got.array(), StandardCharsets.US_ASCII));
                flow.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer back = ByteBuffer.allocate(4);
                while (back.hasRemaining() && client.read(back) >= 0) {
                    // until four bytes arrived
                }
                assertEquals("pong", new String(back.array(), StandardCharsets.US_ASCII));
            }
        }
        stack.close();
        assertTrue(!server.isOpen(), "closing the stack closes the channels it handed out");
    }
}
