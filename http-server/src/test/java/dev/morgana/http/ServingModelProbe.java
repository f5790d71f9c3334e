package dev.morgana.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A manual probe (not a test): the cost floor of two ways to serve keep-alive connections on
 * kernel sockets, without any HTTP work, to measure with wrk against the appliance and nginx.
 * Each server answers every read with one fixed 925-byte response (it does not parse: one
 * request per read, as wrk sends them).
 *
 * <ul>
 *   <li>{@code blocking}: a virtual thread per connection doing blocking reads and writes, the
 *       socket stack's model (a read that finds nothing parks the thread on the JDK's poller);</li>
 *   <li>{@code loop}: {@code threads} selector loops with every connection registered once for
 *       reading, which read only what epoll reports ready.</li>
 * </ul>
 *
 * <p>Run with the test classpath: {@code java -cp ... dev.morgana.http.ServingModelProbe
 * blocking|loop PORT [threads]}; it serves on 127.0.0.1 until killed.
 */
public final class ServingModelProbe {

    private static final byte[] RESPONSE = response();

    private ServingModelProbe() {}

    private static byte[] response() {
        String head = "HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 03:35:57 GMT\r\nContent-Type: image/svg+xml\r\n"
                + "Content-Length: 925\r\n\r\n";
        return (head + "x".repeat(925)).getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ServingModelProbe blocking|loop PORT [threads]");
            System.exit(2);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 1024);
        switch (args[0]) {
            case "blocking" -> blocking(server);
            case "loop" -> loops(server, args.length > 2 ? Integer.parseInt(args[2]) : 2);
            default -> throw new IllegalArgumentException("unknown model " + args[0]);
        }
    }

    private static void blocking(ServerSocketChannel server) throws IOException {
        while (true) {
            SocketChannel channel = server.accept();
            Thread.ofVirtual().start(() -> {
                try (channel) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    ByteBuffer out = ByteBuffer.allocateDirect(RESPONSE.length).put(RESPONSE);
                    while (channel.read(in.clear()) >= 0) {
                        out.rewind();
                        while (out.hasRemaining()) {
                            channel.write(out);
                        }
                    }
                } catch (IOException e) {
                    // the client left
                }
            });
        }
    }

    /** One selector loop: accepted connections arrive through a queue, then stay registered. */
    private static final class Loop implements Runnable {
        final Selector selector = Selector.open();
        final Queue<SocketChannel> arrivals = new ConcurrentLinkedQueue<>();
        private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
        private final ByteBuffer out = ByteBuffer.allocateDirect(RESPONSE.length).put(RESPONSE);

        Loop() throws IOException {}

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select(this::ready);
                    for (SocketChannel c; (c = arrivals.poll()) != null; ) {
                        c.register(selector, SelectionKey.OP_READ);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void ready(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            try {
                if (channel.read(in.clear()) < 0) {
                    key.cancel();
                    channel.close();
                    return;
                }
                out.rewind();
                channel.write(out); // fits the empty send buffer of a request-response client
            } catch (IOException e) {
                key.cancel();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private static void loops(ServerSocketChannel server, int threads) throws IOException {
        Loop[] loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop();
            Thread.ofPlatform().name("loop-" + i).start(loops[i]);
        }
        for (int next = 0; ; next = (next + 1) % threads) {
            SocketChannel channel = server.accept();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            loops[next].arrivals.add(channel);
            loops[next].selector.wakeup();
        }
    }
}
