package dev.morgana.http;

import dev.morgana.site.StaticSite;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A manual probe (not a test): heap bytes allocated per request by the parser, the connection
 * handler, the writer and the static site, measured on one platform thread over an in-memory
 * flow holding many pipelined requests (the socket stack is left out); then the same requests
 * over a loopback socket to one selector loop ({@code loop} rounds), counting what the loop's
 * thread allocates. Run with the test classpath: java -cp ... dev.morgana.http.AllocationProbe
 * [requests].
 */
public final class AllocationProbe {

    /** Reads from a fixed byte array, discards writes. */
    private static final class ReplayFlow implements Flow {
        private final ByteBuffer in;
        long written;

        ReplayFlow(byte[] data) {
            in = ByteBuffer.wrap(data);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!in.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), in.remaining());
            dst.put(dst.position(), in, in.position(), n);
            dst.position(dst.position() + n);
            in.position(in.position() + n);
            return n;
        }

        @Override
        public void write(ByteBuffer src) {
            written += src.remaining();
            src.position(src.limit());
        }

        @Override
        public void writev(ByteBuffer... srcs) {
            for (ByteBuffer b : srcs) {
                write(b);
            }
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public void close() {}

        @Override
        public String remote() {
            return "127.0.0.1:1";
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        byte[] one = ("GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: probe/1.0\r\nAccept: */*\r\n"
                + "Accept-Encoding: gzip\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[one.length * requests];
        for (int i = 0; i < requests; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        MiniStore store = new MiniStore().put("index.html", "x".repeat(1024));
        Console console = Console.of("probe", System.err::println);
        StaticSite site = new StaticSite(console, store, null);
        HttpOptions options = HttpOptions.defaults().withAccessLog(false);
        ResponseWriter writer = new ResponseWriter(new DateHeader(options.clock()), options.defaultHeaders());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Watchdog watchdog = new Watchdog(options.clock(), Duration.ofMillis(500))) {
            for (int round = 0; round < 3; round++) {
                ReplayFlow flow = new ReplayFlow(all);
                long before = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                try (Watchdog.Timer timer = watchdog.timer(flow)) {
                    new Http1Connection(flow, new Exchange(site::handle, writer, null, console), options, console, timer).run();
                }
                long nanos = System.nanoTime() - t0;
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.printf("round %d: %d requests, %d bytes out, %.0f bytes allocated/request, %.0f ns/request%n",
                        round, requests, flow.written, bytes / (double) requests, nanos / (double) requests);
            }
        }
        loopRounds(all, requests, site, options, threads);
    }

    /** The selector-loop path: the same pipelined requests over loopback, the loop thread's allocation. */
    private static void loopRounds(byte[] all, int requests, StaticSite site, HttpOptions options,
                                   com.sun.management.ThreadMXBean threads) throws Exception {
        Console console = Console.of("probe", System.err::println);
        var sockets = TestSupport.loopbackSockets(console);
        Http1Server server = new Http1Server(console, sockets.tcpv4(), 0, options).withLoops(1);
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                server.serve(site.handler());
            } catch (Exception e) {
                console.log("serve failed: " + e);
            }
        });
        int port = server.awaitPort(Duration.ofSeconds(10));
        long loopId = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("http-loop-0"))
                .findFirst().orElseThrow().threadId();
        try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port))) {
            int oneRequest = all.length / requests;
            client.write(ByteBuffer.wrap(all, 0, oneRequest));
            ByteBuffer first = ByteBuffer.allocate(65536);
            int responseSize = client.read(first); // a small answer arrives in one piece
            for (int round = 0; round < 3; round++) {
                long before = threads.getThreadAllocatedBytes(loopId);
                long t0 = System.nanoTime();
                Thread sender = Thread.ofVirtual().start(() -> {
                    try {
                        ByteBuffer b = ByteBuffer.wrap(all);
                        while (b.hasRemaining()) {
                            client.write(b);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                long expected = (long) responseSize * requests;
                ByteBuffer sink = ByteBuffer.allocateDirect(1 << 16);
                for (long got = 0; got < expected; ) {
                    int n = client.read(sink.clear());
                    if (n < 0) {
                        throw new java.io.EOFException("server closed after " + got + " of " + expected + " bytes");
                    }
                    got += n;
                }
                sender.join();
                long nanos = System.nanoTime() - t0;
                long bytes = threads.getThreadAllocatedBytes(loopId) - before;
                System.out.printf("loop round %d: %d requests, %d bytes out, %.0f bytes allocated/request on the loop,"
                        + " %.0f ns/request%n", round, requests, expected, bytes / (double) requests,
                        nanos / (double) requests);
            }
        } finally {
            server.close();
            serving.join(Duration.ofSeconds(5));
            sockets.close();
        }
    }
}
