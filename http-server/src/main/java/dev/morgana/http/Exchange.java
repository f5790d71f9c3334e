package dev.morgana.http;

import dev.morgana.types.Console;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The I/O-free part of answering one parsed request, shared by the blocking connection
 * ({@link Http1Connection}) and the selector loop ({@link LoopConnection}) so that both answer
 * identically: method dispatch (GET and HEAD to the handler, OPTIONS 204, others 405), 500 for
 * a failing handler or a malformed response, bodiless statuses and HEAD, the access log line.
 * Thread-safe.
 */
final class Exchange {

    static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    static final String TEXT = "text/plain; charset=utf-8";
    static final HttpResponse.Body EMPTY = new HttpResponse.Empty();

    /**
     * A response ready to send.
     *
     * @param status the status actually sent (500 if the handler's response was malformed)
     * @param head the encoded head parts
     * @param body what follows the head: {@link #EMPTY} for HEAD, 204 and 304
     */
    record Reply(int status, ResponseWriter.Head head, HttpResponse.Body body) {}

    private final HttpHandler handler;
    private final ResponseWriter writer;
    private final AccessLog accessLog;
    private final Console console;

    Exchange(HttpHandler handler, ResponseWriter writer, AccessLog accessLog, Console console) {
        this.handler = handler;
        this.writer = writer;
        this.accessLog = accessLog;
        this.console = console;
    }

    ResponseWriter writer() {
        return writer;
    }

    /** What the response head says about the connection, from the request's version and wish. */
    static ResponseWriter.Connection connection(RequestHead head) {
        return !head.keepAlive() ? ResponseWriter.Connection.CLOSE
                : head.versionMinor() == 0 ? ResponseWriter.Connection.KEEP_ALIVE : ResponseWriter.Connection.PERSISTENT;
    }

    /**
     * The target {@code head} may be answered for, or null when the request must be refused
     * with {@link Violation#INVALID_PATH}: a malformed or unsafe target, or "*" with another
     * method than OPTIONS. The one check both connection kinds make before {@link #answer}.
     */
    static RequestTarget target(RequestHead head) {
        RequestTarget target = RequestTarget.parse(head.target());
        return target == RequestTarget.ASTERISK && !head.method().equals("OPTIONS") ? null : target;
    }

    /**
     * The application's answer to a request whose {@link #target} is valid. With {@code now}, the handler
     * is asked through {@link HttpHandler#handleNow} and null means it must be asked again,
     * with {@code now} false, on a thread that may block.
     */
    HttpResponse answer(RequestHead head, RequestTarget target, String remote, boolean now) {
        String method = head.method();
        if (method.equals("GET") || method.equals("HEAD")) {
            HttpRequest request = new HttpRequest(method, head.target(), target.path(), target.query(),
                    head.versionMinor(), head.headers(), remote);
            try {
                HttpResponse response = now ? handler.handleNow(request) : handler.handle(request);
                if (response == null && !now) {
                    throw new IllegalStateException("handler returned null");
                }
                return response;
            } catch (Exception e) {
                console.log("http: handler failed for " + request.method() + " " + request.target() + ": " + e);
                return plain(500, "500 Internal Server Error\n", HttpFields.EMPTY);
            }
        }
        if (method.equals("OPTIONS")) {
            return new HttpResponse(204, HttpFields.of("Allow", ALLOWED_METHODS), EMPTY);
        }
        return plain(405, "405 Method Not Allowed\n", HttpFields.of("Allow", ALLOWED_METHODS));
    }

    /** Encodes the response's head and picks the body to send; a malformed response becomes 500. */
    Reply reply(RequestHead head, HttpResponse response, ResponseWriter.Connection connection) {
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
        HttpResponse.Body body = bodiless || head.method().equals("HEAD") ? EMPTY : response.body();
        return new Reply(status, prepared, body);
    }

    /** Logs one answered request (when the access log is on). */
    void log(String remote, RequestHead head, int status, long bytes) {
        if (accessLog != null) {
            accessLog.log(remote, head.method() + " " + head.target() + " HTTP/1." + head.versionMinor(),
                    status, bytes, head.headers().first("Referer").orElse(null),
                    head.headers().first("User-Agent").orElse(null));
        }
    }

    /** Logs a request refused before its head could be parsed. */
    void logUnparsed(String remote, int status, long bytes) {
        if (accessLog != null) {
            accessLog.log(remote, null, status, bytes, null, null);
        }
    }

    static HttpResponse plain(int status, String text, HttpFields extra) {
        HttpFields fields = extra.with("Content-Type", TEXT);
        return new HttpResponse(status, fields,
                new HttpResponse.Bytes(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }
}
