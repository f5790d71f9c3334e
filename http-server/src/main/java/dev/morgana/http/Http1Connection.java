package dev.morgana.http;

import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs the parser and the writer over one {@link Flow}: reads request heads, discards bodies,
 * calls the handler for GET and HEAD, answers OPTIONS and other methods itself, and writes the
 * responses in request order (pipelined requests wait in the buffer). Closes after HTTP/1.0
 * without keep-alive, "Connection: close", and any rejected request. Not thread-safe: one
 * instance per connection, run on the connection's thread.
 */
final class Http1Connection {

    static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int LINGER_BYTES = 64 * 1024;
    private static final Duration LINGER_TIME = Duration.ofSeconds(2);
    /** The usual buffer size: most request heads are far smaller. */
    private static final int READ_SIZE = 4096;
    /**
     * The output buffer's size: a head and a body up to this size together are sent with one
     * write. Off-heap, so the kernel reads it without the JDK's intermediate copy.
     */
    static final int OUT_SIZE = 16 * 1024;
    private static final HttpResponse.Body EMPTY = new HttpResponse.Empty();
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Flow flow;
    private final HttpHandler handler;
    private final HttpOptions options;
    private final ResponseWriter writer;
    private final AccessLog accessLog;
    private final Console console;
    private final Watchdog.Timer timer;
    private final RequestParser parser;
    /** Input buffer: small while heads are, grown up to {@link #maxBuffer} for large heads. */
    private byte[] buf;
    private final int maxBuffer;
    /** Output buffer for whole small responses; allocated at the first response. */
    private ByteBuffer out;
    /** A view of {@link #buf} to read into, made again when the buffer is replaced. */
    private ByteBuffer in;
    private int start;
    private int end;

    Http1Connection(Flow flow, HttpHandler handler, HttpOptions options, ResponseWriter writer,
                    AccessLog accessLog, Console console, Watchdog.Timer timer) {
        this.flow = flow;
        this.handler = handler;
        this.options = options;
        this.writer = writer;
        this.accessLog = accessLog;
        this.console = console;
        this.timer = timer;
        this.parser = new RequestParser(options);
        this.maxBuffer = parser.maxHeadBytes() + READ_SIZE;
        this.buf = new byte[Math.min(READ_SIZE, maxBuffer)];
    }

    /** Serves requests until the client leaves, a request asks to close, or an error. */
    void run() {
        try {
            while (serveOne()) {
                // next request on the same connection
            }
        } catch (IOException e) {
            // the peer went away, or the watchdog closed the flow: nobody left to answer
        } catch (RuntimeException e) {
            console.log("http: connection from " + flow.remote() + " failed: " + e);
        } finally {
            timer.close();
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
        boolean started = start < end;
        timer.arm(started ? options.headerTimeout() : options.idleTimeout());
        ParseResult result;
        while ((result = parser.parse(buf, start, end - start)) instanceof ParseResult.NeedMore) {
            if (!fill()) {
                return false;
            }
            if (!started) {
                started = true;
                timer.arm(options.headerTimeout());
            }
        }
        return switch (result) {
            case ParseResult.Invalid(Violation v) -> {
                reject(v, null);
                yield false;
            }
            case ParseResult.Complete(RequestHead head, int length) -> {
                start += length;
                Violation bodyError = expectation(head);
                if (bodyError == null) {
                    bodyError = skipBody(head.framing());
                }
                if (bodyError != null) {
                    reject(bodyError, head);
                    yield false;
                }
                timer.disarm();
                yield respond(head);
            }
            case ParseResult.NeedMore n -> throw new AssertionError(n);
        };
    }

    private boolean respond(RequestHead head) throws IOException {
        RequestTarget target = RequestTarget.parse(head.target());
        String method = head.method();
        if (target == null || (target == RequestTarget.ASTERISK && !method.equals("OPTIONS"))) {
            reject(Violation.INVALID_PATH, head);
            return false;
        }
        ResponseWriter.Connection connection = !head.keepAlive() ? ResponseWriter.Connection.CLOSE
                : head.versionMinor() == 0 ? ResponseWriter.Connection.KEEP_ALIVE : ResponseWriter.Connection.PERSISTENT;
        HttpResponse response;
        if (method.equals("GET") || method.equals("HEAD")) {
            response = callHandler(new HttpRequest(method, head.target(), target.path(), target.query(),
                    head.versionMinor(), head.headers(), flow.remote()));
        } else if (method.equals("OPTIONS")) {
            response = new HttpResponse(204, HttpFields.of("Allow", ALLOWED_METHODS), new HttpResponse.Empty());
        } else {
            response = plain(405, "405 Method Not Allowed\n", HttpFields.of("Allow", ALLOWED_METHODS));
        }
        send(head, response, connection);
        if (connection == ResponseWriter.Connection.CLOSE) {
            linger();
            return false;
        }
        return true;
    }

    private HttpResponse callHandler(HttpRequest request) {
        try {
            HttpResponse response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned null");
            }
            return response;
        } catch (Exception e) {
            console.log("http: handler failed for " + request.method() + " " + request.target() + ": " + e);
            return plain(500, "500 Internal Server Error\n", HttpFields.EMPTY);
        }
    }

    private void send(RequestHead head, HttpResponse response, ResponseWriter.Connection connection)
            throws IOException {
        int status = response.status();
        boolean bodiless = status < 200 || status == 204 || status == 304;
        ResponseWriter.Head prepared;
        try {
            if (status < 200) {
                throw new IllegalArgumentException("interim status " + status + " cannot be a final response");
            }
            prepared = writer.prepare(status, response.headers(), bodiless ? -1 : response.body().length(), connection);
        } catch (IllegalArgumentException e) {
            console.log("http: bad response to " + head.method() + " " + head.target() + ": " + e.getMessage());
            response = plain(500, "500 Internal Server Error\n", HttpFields.EMPTY);
            status = 500;
            bodiless = false;
            prepared = writer.prepare(500, response.headers(), response.body().length(), connection);
        }
        long sent = 0;
        timer.arm(options.sendTimeout());
        HttpResponse.Body body = bodiless || head.method().equals("HEAD")
                ? EMPTY : response.body();
        switch (body) {
            case HttpResponse.Empty e -> writeGathered(prepared, null);
            case HttpResponse.Bytes(ByteBuffer data) -> {
                writeGathered(prepared, data);
                sent = data.remaining();
            }
            case HttpResponse.Streamed s -> {
                writeGathered(prepared, null);
                sent = stream(s);
            }
        }
        timer.disarm();
        log(head, status, sent);
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
                out = ByteBuffer.allocateDirect(OUT_SIZE);
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

    /** Writes a streamed body, checking it has exactly the announced length. */
    private long stream(HttpResponse.Streamed body) throws IOException {
        long[] count = {0};
        body.writer().writeTo(chunk -> {
            int n = chunk.remaining();
            if (count[0] + n > body.length()) {
                throw new IOException("streamed body longer than its announced " + body.length() + " bytes");
            }
            timer.arm(options.sendTimeout());
            flow.write(chunk);
            count[0] += n;
        });
        if (count[0] != body.length()) {
            throw new IOException("streamed body of " + count[0] + " bytes, announced " + body.length());
        }
        return count[0];
    }

    /** Answers a violation with its status and closes. */
    private void reject(Violation v, RequestHead head) throws IOException {
        byte[] body = (v.status() + " " + v.message() + "\n").getBytes(StandardCharsets.US_ASCII);
        timer.arm(options.sendTimeout());
        flow.writev(writer.head(v.status(), HttpFields.of("Content-Type", TEXT),
                body.length, ResponseWriter.Connection.CLOSE), ByteBuffer.wrap(body));
        if (head != null) {
            log(head, v.status(), body.length);
        } else if (accessLog != null) {
            accessLog.log(flow.remote(), null, v.status(), body.length, null, null);
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
    private Violation expectation(RequestHead head) throws IOException {
        String expect = head.headers().first("Expect").orElse(null);
        if (expect == null) {
            return null;
        }
        if (!expect.equalsIgnoreCase("100-continue")) {
            return Violation.EXPECTATION_FAILED;
        }
        boolean body = switch (head.framing()) {
            case RequestHead.Fixed(long length) -> length > 0 && length <= options.maxBodyBytes();
            case RequestHead.Chunked c -> true;
        };
        if (body && head.versionMinor() == 1 && start == end) {
            timer.arm(options.sendTimeout());
            flow.write(ByteBuffer.wrap(CONTINUE));
        }
        return null;
    }

    /** Reads and drops a request body; null when done, else why it is refused. */
    private Violation skipBody(RequestHead.Framing framing) throws IOException {
        timer.arm(options.headerTimeout());
        switch (framing) {
            case RequestHead.Fixed(long length) -> {
                if (length > options.maxBodyBytes()) {
                    return Violation.BODY_TOO_LARGE;
                }
                long left = length;
                while (left > 0) {
                    if (start == end && !fill()) {
                        throw new EOFException("body ended early");
                    }
                    int take = (int) Math.min(left, end - start);
                    start += take;
                    left -= take;
                }
            }
            case RequestHead.Chunked c -> {
                ChunkedBody body = new ChunkedBody(options.maxBodyBytes(), options.maxHeaderBytes());
                while (true) {
                    start += body.feed(buf, start, end - start);
                    if (body.error() != null) {
                        return body.error();
                    }
                    if (body.done()) {
                        break;
                    }
                    if (!fill()) {
                        throw new EOFException("body ended early");
                    }
                }
            }
        }
        return null;
    }

    /**
     * Reads more bytes after those buffered; false at end of stream. Unconsumed bytes move to
     * the front; the buffer doubles when they fill it (the parser's limits cap its size) and
     * returns to its usual size once empty, so idle connections stay cheap.
     */
    private boolean fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
            if (buf.length > READ_SIZE) {
                buf = new byte[READ_SIZE];
            }
        } else if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            if (buf.length >= maxBuffer) {
                throw new IllegalStateException("request head larger than the parser's limits");
            }
            buf = java.util.Arrays.copyOf(buf, Math.min(maxBuffer, buf.length * 2));
        }
        if (in == null || in.array() != buf) {
            in = ByteBuffer.wrap(buf);
        }
        int n = flow.read(in.limit(buf.length).position(end));
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private void log(RequestHead head, int status, long bytes) {
        if (accessLog != null) {
            accessLog.log(flow.remote(), head.method() + " " + head.target() + " HTTP/1." + head.versionMinor(),
                    status, bytes, head.headers().first("Referer").orElse(null),
                    head.headers().first("User-Agent").orElse(null));
        }
    }

    static HttpResponse plain(int status, String text, HttpFields extra) {
        HttpFields fields = extra.with("Content-Type", TEXT);
        return new HttpResponse(status, fields,
                new HttpResponse.Bytes(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }
}
