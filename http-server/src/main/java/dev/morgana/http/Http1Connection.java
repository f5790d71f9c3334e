package dev.morgana.http;

import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpResponse;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs the parser and the writer over one {@link Flow}: reads request heads, discards bodies,
 * calls the handler for GET and HEAD, answers OPTIONS and other methods itself, and writes the
 * responses in request order (pipelined requests wait in the buffer). Closes after HTTP/1.0
 * without keep-alive, "Connection: close", and any rejected request. The answers themselves
 * come from {@link Exchange}, shared with the selector loops, which also hand connections over to
 * this class ({@link #withInput}, {@link #run(ByteBuffer[], RequestHead, Exchange.Reply)}) for
 * everything but the common case. Not thread-safe: one instance per connection, run on the
 * connection's thread.
 */
final class Http1Connection {

    private static final String TEXT = Exchange.TEXT;
    private static final int LINGER_BYTES = 64 * 1024;
    private static final Duration LINGER_TIME = Duration.ofSeconds(2);
    /**
     * The output buffer's size: a head and a body up to this size together are sent with one
     * write. Off-heap, so the kernel reads it without the JDK's intermediate copy; freed when the
     * connection ends rather than when a collection finds it, which a heap that is rarely
     * collected in full might take minutes to do (a small VM's guest, docs/xen.md "Memory").
     */
    static final int OUT_SIZE = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Flow flow;
    private final Exchange exchange;
    private final HttpOptions options;
    private final ResponseWriter writer;
    private final Console console;
    private final Watchdog.Timer timer;
    private final RequestParser parser;
    private final InputWindow input;
    /** Output buffer for whole small responses; allocated at the first response, in {@link #outMemory}. */
    private ByteBuffer out;
    /** Holds {@link #out}; owned by the thread that serves the connection, closed when it ends. */
    private Arena outMemory;

    Http1Connection(Flow flow, Exchange exchange, HttpOptions options, Console console, Watchdog.Timer timer) {
        this.flow = flow;
        this.exchange = exchange;
        this.options = options;
        this.writer = exchange.writer();
        this.console = console;
        this.timer = timer;
        this.parser = new RequestParser(options);
        this.input = new InputWindow(parser.maxHeadBytes());
    }

    /**
     * Takes over a connection from the selector loop: {@code bytes[from, to)} are bytes already
     * read and not yet consumed (they are parsed first), which must fit the buffer's limit.
     */
    Http1Connection withInput(byte[] bytes, int from, int to) {
        input.load(bytes, from, to);
        return this;
    }

    /** Serves requests until the client leaves, a request asks to close, or an error. */
    void run() {
        run(new ByteBuffer[0], null, null);
    }

    /**
     * Like {@link #run()}, after first sending the loop's {@code pending} output and then
     * {@code reply} to {@code head}, when not null. Both come from a selector loop handing over
     * a connection whose reply must be written by a thread that may block (a streamed body).
     */
    void run(ByteBuffer[] pending, RequestHead head, Exchange.Reply reply) {
        try {
            if (pending.length > 0) {
                timer.arm(options.sendTimeout());
                flow.writev(pending);
                timer.disarm();
            }
            if (head != null && !finish(head, reply)) {
                return;
            }
            while (serveOne()) {
                // next request on the same connection
            }
        } catch (IOException e) {
            // the peer went away, or the watchdog closed the flow: nobody left to answer
        } catch (RuntimeException e) {
            console.log("http: connection from " + flow.remote() + " failed: " + e);
        } finally {
            timer.close();
            if (outMemory != null) {
                out = null;
                outMemory.close();
            }
        }
    }

    /** Answers 503 to a connection over the limit, then lingers briefly before it is closed. */
    static void refuse(Flow flow, ResponseWriter writer, Watchdog.Timer timer, HttpOptions options)
            throws IOException {
        byte[] body = "503 Service Unavailable: too many connections\n".getBytes(StandardCharsets.US_ASCII);
        timer.arm(options.sendTimeout());
        flow.writev(writer.head(503, HttpFields.of("Content-Type", TEXT, "Retry-After", "1"), body.length,
                ResponseWriter.Connection.CLOSE), ByteBuffer.wrap(body));
        linger(flow, timer, options);
    }

    /** Serves one request; false when the connection must end. */
    private boolean serveOne() throws IOException {
        boolean started = !input.isEmpty();
        timer.arm(started ? options.headerTimeout() : options.idleTimeout());
        ParseResult result;
        while ((result = parser.parse(input.array(), input.start(), input.available())) instanceof ParseResult.NeedMore) {
            if (!fill()) {
                return false;
            }
            if (!started) {
                started = true;
                timer.arm(options.headerTimeout());
            }
        }
        // No type switch on this path (nor below): each links at its first use, in the first
        // request's time; the sealed types answer for themselves instead.
        if (result.violation() != null) {
            reject(result.violation(), null);
            return false;
        }
        RequestHead head = result.head();
        input.consume(result.length());
        BodyReader body = head.framing().reader(options.maxBodyBytes(), options.maxHeaderBytes());
        Violation bodyError = expectation(head, body);
        if (bodyError == null) {
            bodyError = skipBody(body);
        }
        if (bodyError != null) {
            reject(bodyError, head);
            return false;
        }
        timer.disarm();
        return respond(head);
    }

    private boolean respond(RequestHead head) throws IOException {
        RequestTarget target = Exchange.target(head);
        if (target == null) {
            reject(Violation.INVALID_PATH, head);
            return false;
        }
        HttpResponse response = exchange.answer(head, target, flow.remote(), false);
        return finish(head, exchange.reply(head, response, Exchange.connection(head)));
    }

    /** Sends the reply to {@code head}; false when the connection must end. */
    private boolean finish(RequestHead head, Exchange.Reply reply) throws IOException {
        send(head, reply);
        if (Exchange.connection(head) == ResponseWriter.Connection.CLOSE) {
            linger();
            return false;
        }
        return true;
    }

    private void send(RequestHead head, Exchange.Reply reply) throws IOException {
        timer.arm(options.sendTimeout());
        Sending sending = new Sending(reply.head(), reply.body().length());
        reply.body().writeTo(sending);
        long sent = sending.finish();
        timer.disarm();
        exchange.log(flow.remote(), head, reply.status(), sent);
    }

    /**
     * Sends a response's head and its body's chunks, each under the send timeout: the head
     * together with a body that comes whole in one chunk (in memory: one write when small),
     * else alone before the chunks; checks that they add up to the announced length.
     */
    private final class Sending implements HttpResponse.Streamed.Sink {
        private ResponseWriter.Head head;
        private final long announced;
        private long sent;

        Sending(ResponseWriter.Head head, long announced) {
            this.head = head;
            this.announced = announced;
        }

        @Override
        public void write(ByteBuffer chunk) throws IOException {
            int n = chunk.remaining();
            if (sent + n > announced) {
                throw new IOException("body longer than its announced " + announced + " bytes");
            }
            timer.arm(options.sendTimeout());
            if (head != null && n == announced) {
                writeGathered(head, chunk); // the whole body in one chunk (in memory): one write
            } else {
                finishHead();
                flow.write(chunk);
            }
            head = null;
            sent += n;
        }

        /** Sends the head if no chunk came, and returns the body bytes sent. */
        long finish() throws IOException {
            finishHead();
            if (sent != announced) {
                throw new IOException("body of " + sent + " bytes, announced " + announced);
            }
            return sent;
        }

        private void finishHead() throws IOException {
            if (head != null) {
                writeGathered(head, null);
                head = null;
            }
        }
    }

    /**
     * Writes a head and an optional in-memory body with one write: both are copied into the
     * connection's output buffer when they fit (small files, the common case), so that one
     * segment and one system call carry the whole response; larger bodies go out as they are,
     * gathered behind the head. {@code body} is not modified.
     */
    private void writeGathered(ResponseWriter.Head head, ByteBuffer body) throws IOException {
        int headSize = head.size();
        int bodySize = body == null ? 0 : body.remaining();
        if (headSize + bodySize <= OUT_SIZE) {
            if (out == null) {
                outMemory = Arena.ofConfined();
                out = outMemory.allocate(OUT_SIZE).asByteBuffer();
            }
            out.clear();
            head.writeTo(out);
            if (body != null) {
                out.put(body.duplicate());
            }
            flow.write(out.flip());
        } else {
            ByteBuffer headBytes = head.writeTo(ByteBuffer.allocate(headSize)).flip();
            if (body == null) {
                flow.write(headBytes);
            } else {
                flow.writev(headBytes, body.duplicate());
            }
        }
    }

    /** Answers a violation with its status and closes. */
    private void reject(Violation v, RequestHead head) throws IOException {
        byte[] body = (v.status() + " " + v.message() + "\n").getBytes(StandardCharsets.US_ASCII);
        timer.arm(options.sendTimeout());
        flow.writev(writer.head(v.status(), HttpFields.of("Content-Type", TEXT),
                body.length, ResponseWriter.Connection.CLOSE), ByteBuffer.wrap(body));
        if (head != null) {
            exchange.log(flow.remote(), head, v.status(), body.length);
        } else {
            exchange.logUnparsed(flow.remote(), v.status(), body.length);
        }
        linger();
    }

    /**
     * Half-closes, then reads and drops what the client still sends for a short while, so that
     * unread request bytes do not make the kernel reset the connection before the client has
     * read the last response.
     */
    private void linger() throws IOException {
        linger(flow, timer, options);
    }

    private static void linger(Flow flow, Watchdog.Timer timer, HttpOptions options) throws IOException {
        flow.shutdownOutput();
        timer.arm(LINGER_TIME.compareTo(options.headerTimeout()) < 0 ? LINGER_TIME : options.headerTimeout());
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long drained = 0;
        while (drained < LINGER_BYTES) {
            sink.clear();
            int n = flow.read(sink);
            if (n < 0) {
                break;
            }
            drained += n;
        }
        timer.disarm();
    }

    /**
     * Handles Expect (RFC 9110 §10.1.1): "100-continue" on an HTTP/1.1 request with a body
     * that will be read gets an interim 100 response, so the client sends the body now instead
     * of after its own timeout; any other expectation is refused with 417.
     */
    private Violation expectation(RequestHead head, BodyReader reader) throws IOException {
        String expect = head.headers().first("Expect").orElse(null);
        if (expect == null) {
            return null;
        }
        if (!expect.equalsIgnoreCase("100-continue")) {
            return Violation.EXPECTATION_FAILED;
        }
        // A body will be read unless there is none or it is refused before reading.
        boolean body = !reader.done() && reader.error() == null;
        if (body && head.versionMinor() == 1 && input.isEmpty()) {
            timer.arm(options.sendTimeout());
            flow.write(ByteBuffer.wrap(CONTINUE));
        }
        return null;
    }

    /** Reads and drops a request body; null when done, else why it is refused. */
    private Violation skipBody(BodyReader body) throws IOException {
        timer.arm(options.headerTimeout());
        while (true) {
            input.consume(body.feed(input.array(), input.start(), input.available()));
            if (body.error() != null) {
                return body.error();
            }
            if (body.done()) {
                return null;
            }
            if (!fill()) {
                throw new EOFException("body ended early");
            }
        }
    }

    /** Reads more bytes after those buffered (see {@link InputWindow}); false at end of stream. */
    private boolean fill() throws IOException {
        return input.received(flow.read(input.room()));
    }
}
