package dev.morgana.http;

import dev.morgana.tcpip.socket.SocketStackV4;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.http.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Fixed clock, recording console, a server over {@link FakeTcp} or loopback sockets, and byte helpers. */
final class TestSupport {

    static final Instant NOW = Instant.parse("2026-11-24T03:35:57Z");
    static final String DATE = "Date: Tue, 24 Nov 2026 03:35:57 GMT\r\n";
    static final String SECURITY = "X-Content-Type-Options: nosniff\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n";

    static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");

    private TestSupport() {}

    /**
     * The appliance's own kernel-socket stack ({@code NET=socket}) bound to loopback: a
     * {@link dev.morgana.types.SelectableTcpv4}, so servers over it run their selector loops
     * unless told otherwise. The caller closes it.
     */
    static SocketStackV4 loopbackSockets(Console console) {
        return new SocketStackV4(console, LOOPBACK);
    }

    /** Wall time fixed at {@link #NOW}; monotonic time real (timeouts still work). */
    static final Clock FIXED = new Clock() {
        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }
    };

    /** Wall time read from {@code now}, which the test moves; monotonic time stands still at 0. */
    static Clock wallClock(java.util.concurrent.atomic.AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public Instant now() {
                return now.get();
            }

            @Override
            public long monotonicNanos() {
                return 0;
            }
        };
    }

    /** Options for tests: fixed clock, access log off unless asked. */
    static HttpOptions options() {
        return HttpOptions.defaults().withClock(FIXED).withAccessLog(false);
    }

    /**
     * The two serving paths every server test runs against: the blocking one (a virtual thread
     * per connection, here over in-memory pipes) and the selector loops (over loopback sockets),
     * the latter with a handler that answers on the loop ({@code handleNow}) and with one that
     * must be called on a virtual thread.
     */
    enum Transport {
        BLOCKING, LOOP, LOOP_DEFERRED
    }

    /** A handler that answers {@link HttpHandler#handleNow} like {@link HttpHandler#handle}. */
    static HttpHandler answeringNow(HttpHandler h) {
        return new HttpHandler() {
            @Override
            public dev.morgana.types.http.HttpResponse handle(dev.morgana.types.http.HttpRequest request) throws Exception {
                return h.handle(request);
            }

            @Override
            public dev.morgana.types.http.HttpResponse handleNow(dev.morgana.types.http.HttpRequest request)
                    throws Exception {
                return h.handle(request);
            }
        };
    }

    /** An {@link Http1Server} serving from a virtual thread over one {@link Transport}. */
    static final class Running implements AutoCloseable {
        /** The in-memory stack of {@link Transport#BLOCKING}; null for the loops. */
        final FakeTcp tcp;
        /** The loopback sockets of the loops; null for {@link Transport#BLOCKING}. */
        private final SocketStackV4 sockets;
        /** What the server logged. */
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Console console = Console.of("list", lines::add);
        final Http1Server server;
        private final Thread thread;
        private final int port;

        Running(HttpHandler handler, HttpOptions options) throws InterruptedException {
            this(Transport.BLOCKING, handler, options);
        }

        Running(Transport transport, HttpHandler handler, HttpOptions options) throws InterruptedException {
            HttpHandler served = transport == Transport.LOOP ? answeringNow(handler) : handler;
            if (transport == Transport.BLOCKING) {
                tcp = new FakeTcp();
                sockets = null;
                server = new Http1Server(console, tcp, 80, options);
            } else {
                tcp = null;
                sockets = loopbackSockets(console);
                server = new Http1Server(console, sockets.tcpv4(), 0, options).withLoops(2);
            }
            thread = Thread.ofVirtual().start(() -> {
                try {
                    server.serve(served);
                } catch (Exception e) {
                    console.log("serve failed: " + e);
                }
            });
            port = server.awaitPort(Duration.ofSeconds(5));
            if (port <= 0 || (tcp != null && port != 80)) {
                throw new IllegalStateException("server did not start: " + lines);
            }
        }

        /** A new client connection. */
        Flow connect() throws IOException {
            return tcp != null ? tcp.connect() : sockets.tcpv4().connect(LOOPBACK, port);
        }

        /** The client's host as the server's access log shows it. */
        String clientHost() {
            return tcp != null ? "192.0.2.7" : "127.0.0.1";
        }

        @Override
        public void close() {
            server.close();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sockets != null) {
                sockets.close();
            }
        }
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly {@code n} bytes, or fewer if the stream ends first. */
    static byte[] readN(Flow flow, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (out.size() < n) {
            buf.clear().limit(Math.min(8192, n - out.size()));
            int r = flow.read(buf);
            if (r < 0) {
                break;
            }
            out.write(buf.array(), 0, r);
        }
        return out.toByteArray();
    }

    /** Reads until end of stream. */
    static byte[] readAll(Flow flow) throws IOException {
        return readN(flow, Integer.MAX_VALUE);
    }

    /** Sends {@code request} and reads exactly as many bytes as {@code expected} has. */
    static String exchange(Flow flow, String request, String expected) throws IOException {
        flow.write(ascii(request));
        return string(readN(flow, expected.getBytes(StandardCharsets.ISO_8859_1).length));
    }

    /** True if the server closed its side: reading gives end of stream. */
    static boolean atEof(Flow flow) throws IOException {
        return flow.read(ByteBuffer.allocate(1)) < 0;
    }
}
