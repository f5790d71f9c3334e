package dev.morgana.http;

import dev.morgana.types.http.HttpFields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Serializes response heads to bytes: status line, Date, the application's fields, the
 * server's default fields, Content-Length and Connection. Field names and values from the
 * application are checked so that no handler can split a response. The encoded lines of each
 * distinct field set and status are kept (bounded), since a static site repeats them. Thread-safe.
 */
final class ResponseWriter {

    /** What the head says about the connection. */
    enum Connection {
        /** HTTP/1.1 persistence: no Connection field. */
        PERSISTENT,
        /** An HTTP/1.0 client asked to keep the connection: "Connection: keep-alive". */
        KEEP_ALIVE,
        /** The server closes after this response: "Connection: close". */
        CLOSE
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Most distinct field sets whose encoding is kept (a static site returns few distinct ones). */
    private static final int MAX_CACHED_FIELDS = 1024;

    private final DateHeader date;
    private final HttpFields defaults;
    private final AtomicReferenceArray<byte[]> statusLines = new AtomicReferenceArray<>(1000);
    private final Map<HttpFields, byte[]> encodedFields = new ConcurrentHashMap<>();

    ResponseWriter(DateHeader date, HttpFields defaults) {
        this.date = date;
        this.defaults = defaults;
        for (HttpFields.Field f : defaults.fields()) {
            check(f);
        }
    }

    /**
     * The head of a response, in a new buffer (the generic path: rare responses, errors).
     *
     * @param contentLength the Content-Length to announce, or -1 for none (204, 304)
     * @throws IllegalArgumentException if a field is malformed or one the server owns
     */
    ByteBuffer head(int status, HttpFields fields, long contentLength, Connection connection) {
        Head head = prepare(status, fields, contentLength, connection);
        return head.writeTo(ByteBuffer.allocate(head.size())).flip();
    }

    /**
     * The parts of a response head, checked and encoded (status line and field lines come from
     * caches, so a static site's repeated responses cost no formatting); only Date and
     * Content-Length are written per response, by {@link Head#writeTo}.
     *
     * @param contentLength the Content-Length to announce, or -1 for none (204, 304)
     * @throws IllegalArgumentException if a field is malformed or one the server owns
     */
    Head prepare(int status, HttpFields fields, long contentLength, Connection connection) {
        byte[] connectionLine = switch (connection) {
            case PERSISTENT -> null;
            case KEEP_ALIVE -> KEEP_ALIVE;
            case CLOSE -> CLOSE;
        };
        return new Head(statusLine(status), date.line(), fieldLines(fields), contentLength, connectionLine);
    }

    /**
     * A response head ready to be copied into an output buffer.
     *
     * @param contentLength -1 for no Content-Length field
     * @param connectionLine the Connection field line, or null for none
     */
    record Head(byte[] statusLine, byte[] dateLine, byte[] fieldLines, long contentLength, byte[] connectionLine) {

        /** Its size in bytes. */
        int size() {
            return statusLine.length + dateLine.length + fieldLines.length + 2
                    + (contentLength < 0 ? 0 : CONTENT_LENGTH.length + digits(contentLength) + 2)
                    + (connectionLine == null ? 0 : connectionLine.length);
        }

        /**
         * Puts the head at {@code out}'s position, which must have {@link #size()} bytes left.
         *
         * @return {@code out}
         */
        ByteBuffer writeTo(ByteBuffer out) {
            out.put(statusLine).put(dateLine).put(fieldLines);
            if (contentLength >= 0) {
                out.put(CONTENT_LENGTH);
                putDecimal(out, contentLength);
                out.put(CRLF);
            }
            if (connectionLine != null) {
                out.put(connectionLine);
            }
            return out.put(CRLF);
        }
    }

    /** The number of decimal digits of {@code n >= 0}. */
    static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /** Writes {@code n >= 0} in decimal ASCII without making a String. */
    static void putDecimal(ByteBuffer out, long n) {
        int d = digits(n);
        int at = out.position();
        for (int i = d - 1; i >= 0; i--) {
            out.put(at + i, (byte) ('0' + n % 10));
            n /= 10;
        }
        out.position(at + d);
    }

    /** "HTTP/1.1 200 OK\r\n", with its reason phrase, cached per status. */
    private byte[] statusLine(int status) {
        byte[] line = statusLines.get(status);
        if (line == null) {
            line = ("HTTP/1.1 " + status + " " + ReasonPhrases.of(status) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            statusLines.set(status, line);
        }
        return line;
    }

    /** The handler's fields then the defaults it did not set, checked and encoded; cached. */
    private byte[] fieldLines(HttpFields fields) {
        byte[] cached = encodedFields.get(fields);
        if (cached != null) {
            return cached;
        }
        Builder b = new Builder(256);
        for (HttpFields.Field f : fields.fields()) {
            check(f);
            if (isServerOwned(f.name())) {
                throw new IllegalArgumentException("the server sets " + f.name() + ", not the handler");
            }
            b.field(f.name(), f.value());
        }
        for (HttpFields.Field f : defaults.fields()) {
            if (fields.first(f.name()).isEmpty()) {
                b.field(f.name(), f.value());
            }
        }
        byte[] encoded = b.toArray();
        if (encodedFields.size() < MAX_CACHED_FIELDS) {
            encodedFields.put(fields, encoded);
        }
        return encoded;
    }

    private static boolean isServerOwned(String name) {
        return "Content-Length".equalsIgnoreCase(name)
                || "Transfer-Encoding".equalsIgnoreCase(name)
                || "Connection".equalsIgnoreCase(name)
                || "Date".equalsIgnoreCase(name);
    }

    private static void check(HttpFields.Field f) {
        if (!Ascii.isToken(f.name())) {
            throw new IllegalArgumentException("field name is not a token: " + f.name());
        }
        String v = f.value();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c > 0x7E || (c < 0x20 && c != '\t')) {
                throw new IllegalArgumentException("field " + f.name() + " has a forbidden character");
            }
        }
    }

    /** A growable ASCII byte buffer. */
    private static final class Builder {
        private byte[] buf;
        private int n;

        Builder(int capacity) {
            buf = new byte[capacity];
        }

        Builder ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[n++] = (byte) s.charAt(i);
            }
            return this;
        }

        Builder field(String name, String value) {
            return ascii(name).ascii(": ").ascii(value).crlf();
        }

        Builder crlf() {
            ensure(2);
            buf[n++] = '\r';
            buf[n++] = '\n';
            return this;
        }

        private void ensure(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, n);
        }
    }
}
