package dev.morgana.http;

import dev.morgana.types.AcceptLoop;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.SelectableTcpv4;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The event-driven serving path of {@link Http1Server} on kernel sockets: an acceptor thread
 * deals accepted connections round-robin to {@code N} {@link SelectorLoop}s, which serve the
 * common requests themselves ({@link LoopConnection}) and hand anything else to an
 * {@link Http1Connection} on a virtual thread. Connections over the limit get the blocking
 * path's 503.
 */
final class LoopServer {

    private final SelectableTcpv4 tcp;
    private final Console console;
    private final HttpOptions options;
    private final Exchange exchange;
    private final Semaphore permits;
    private final Watchdog watchdog;

    LoopServer(SelectableTcpv4 tcp, Console console, HttpOptions options, Exchange exchange, Semaphore permits,
               Watchdog watchdog) {
        this.tcp = tcp;
        this.console = console;
        this.options = options;
        this.exchange = exchange;
        this.permits = permits;
        this.watchdog = watchdog;
    }

    HttpOptions options() {
        return options;
    }

    Exchange exchange() {
        return exchange;
    }

    /** Gives back a connection's slot. */
    void release() {
        permits.release();
    }

    /** Threads that serve: one selector loop per processor. */
    static int defaultLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** A running set of loops over one listening channel; {@link #close} stops them. */
    final class Running implements AutoCloseable {
        private final ServerSocketChannel server;
        private final SelectorLoop[] loops;
        private final Thread acceptor;
        /** The loop the next connection goes to; the acceptor's alone. */
        private int next;

        private Running(ServerSocketChannel server, int count, Duration tick) throws IOException {
            this.server = server;
            this.loops = new SelectorLoop[count];
            for (int i = 0; i < count; i++) {
                loops[i] = new SelectorLoop(console, options.clock(), tick);
                Thread.ofPlatform().daemon().name("http-loop-" + i).start(loops[i]);
            }
            this.acceptor = Thread.ofVirtual().name("http-accept").start(this::accept);
        }

        int port() throws IOException {
            return ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
        }

        private void accept() {
            AcceptLoop.run(server, console::log, "http: accept", this::deal);
        }

        /** Gives an accepted connection to the next loop, round-robin, or refuses it (503). */
        private void deal(SocketChannel channel) {
            Flow flow;
            try {
                flow = tcp.adopt(channel);
            } catch (IOException e) {
                closeQuietly(channel); // the peer left before we looked at it
                return;
            }
            if (!permits.tryAcquire()) {
                Thread.ofVirtual().name("http-refuse").start(() -> refuse(flow));
                return;
            }
            SelectorLoop loop = loops[next];
            next = (next + 1) % loops.length;
            loop.execute(() -> loop.add(new LoopConnection(loop, channel, flow, LoopServer.this)));
        }

        @Override
        public void close() {
            closeQuietly(server);
            try {
                acceptor.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SelectorLoop loop : loops) {
                loop.stop();
            }
        }
    }

    /** Binds {@code port} and starts {@code count} loops. */
    Running start(int port, int count, Duration tick) throws IOException {
        ServerSocketChannel server = tcp.bind(port);
        try {
            return new Running(server, count, tick);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw e;
        }
    }

    /** Serves a connection handed over by a loop, in blocking mode on this virtual thread. */
    void takeOver(SocketChannel channel, Flow flow, byte[] input, ByteBuffer[] output, RequestHead head,
                  Exchange.Reply reply) {
        try (flow; Watchdog.Timer timer = watchdog.timer(flow)) {
            channel.configureBlocking(true);
            new Http1Connection(flow, exchange, options, console, timer).withInput(input, 0, input.length)
                    .run(output, head, reply);
        } catch (IOException | RuntimeException e) {
            console.log("http: connection from " + flow.remote() + " failed: " + e);
        } finally {
            release();
        }
    }

    private void refuse(Flow flow) {
        try (flow; Watchdog.Timer timer = watchdog.timer(flow)) {
            Http1Connection.refuse(flow, exchange.writer(), timer, options);
        } catch (IOException e) {
            // the client left
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // released either way
        }
    }
}
