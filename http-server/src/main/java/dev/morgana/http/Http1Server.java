package dev.morgana.http;

import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.SelectableTcpv4;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 server over any {@link Tcpv4}: the socket stack, the from-scratch stack, or TLS
 * flows. GET and HEAD go to the handler; OPTIONS gets 204 with Allow; other methods get 405.
 * Keep-alive and pipelining, Date, Content-Length, HEAD, and errors (400 and close, 500 for
 * the failing request only) are handled here. See {@link HttpOptions} for limits and timeouts.
 *
 * <p>On a stack that offers its kernel sockets ({@link SelectableTcpv4}: {@code NET=socket}),
 * connections are served by one selector loop per processor instead of a virtual thread each:
 * a keep-alive request then costs no thread park and unpark. Requests the loop does not answer
 * itself (bodies, errors, closing requests, streamed answers) go to the same blocking code as on
 * every other stack, so the answers are the same byte for byte.
 */
public final class Http1Server implements HttpServer {

    private final Console console;
    private final Tcpv4 tcp;
    private final int port;
    private final HttpOptions options;
    private final ResponseWriter writer;
    private final Semaphore connections;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile int boundPort = -1;
    private int loops = LoopServer.defaultLoops();

    /** A server with {@link HttpOptions#defaults()}. */
    public Http1Server(Console console, Tcpv4 tcp, int port) {
        this(console, tcp, port, HttpOptions.defaults());
    }

    public Http1Server(Console console, Tcpv4 tcp, int port, HttpOptions options) {
        this.console = console;
        this.tcp = tcp;
        this.port = port;
        this.options = options;
        this.writer = new ResponseWriter(new DateHeader(options.clock()), options.defaultHeaders());
        this.connections = new Semaphore(options.maxConnections());
    }

    @Override
    public String name() {
        return "http:" + port;
    }

    /**
     * Listens on the port and serves until the thread is interrupted or {@link #close()} is
     * called; then stops accepting. Connections on virtual threads finish on their own; those
     * served by selector loops are closed with the loops.
     */
    @Override
    public void serve(HttpHandler handler) throws IOException {
        Duration shortest = min(min(options.idleTimeout(), options.headerTimeout()), options.sendTimeout());
        // A quarter of it, in nanoseconds of at most 2 s (the tick's ceiling): Duration.dividedBy
        // divides in BigDecimal, whose classes' first use cost start-up 10-20 ms of CPU.
        long quarter = min(shortest, Duration.ofSeconds(2)).toNanos() / 4;
        Duration tick = clamp(Duration.ofNanos(quarter), Duration.ofMillis(5), Duration.ofMillis(500));
        AccessLog accessLog = options.accessLog() ? new AccessLog(console, options.clock()) : null;
        if (tcp instanceof SelectableTcpv4 sockets && loops > 0) {
            serveWithLoops(sockets, new Exchange(handler, writer, accessLog, console), tick);
            return;
        }
        try (Watchdog watchdog = new Watchdog(options.clock(), tick);
             Tcpv4.Listener listener = tcp.listen(port, flow -> accept(flow, handler, watchdog, accessLog))) {
            boundPort = listener.port();
            bound.countDown();
            console.log("http: listening on port " + listener.port());
            closed.await();
        } catch (InterruptedException e) {
            // interruption is the normal way to stop a server: keep the flag for the caller
            Thread.currentThread().interrupt();
        }
    }

    private void serveWithLoops(SelectableTcpv4 sockets, Exchange exchange, Duration tick) throws IOException {
        try (Watchdog watchdog = new Watchdog(options.clock(), tick);
             LoopServer.Running running = new LoopServer(sockets, console, options, exchange, connections, watchdog)
                     .start(port, loops, tick)) {
            boundPort = running.port();
            bound.countDown();
            console.log("http: listening on port " + boundPort);
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets how many selector loops serve on a {@link SelectableTcpv4} stack (default: one per
     * processor); 0 serves every connection on its own virtual thread, as on other stacks. Call
     * before {@link #serve}.
     */
    public Http1Server withLoops(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("loop count must not be negative: " + count);
        }
        this.loops = count;
        return this;
    }

    private void accept(Flow flow, HttpHandler handler, Watchdog watchdog, AccessLog accessLog) throws IOException {
        try (Watchdog.Timer timer = watchdog.timer(flow)) {
            if (!connections.tryAcquire()) {
                Http1Connection.refuse(flow, writer, timer, options);
                return;
            }
            try {
                new Http1Connection(flow, new Exchange(handler, writer, accessLog, console), options, console, timer).run();
            } finally {
                connections.release();
            }
        }
    }

    /** The port being listened on, waiting up to {@code timeout} for {@link #serve} to bind it; -1 if not yet. */
    public int awaitPort(Duration timeout) throws InterruptedException {
        bound.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return boundPort;
    }

    /** Makes {@link #serve} return. Idempotent. */
    @Override
    public void close() {
        closed.countDown();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration clamp(Duration d, Duration lo, Duration hi) {
        return d.compareTo(lo) < 0 ? lo : d.compareTo(hi) > 0 ? hi : d;
    }
}
