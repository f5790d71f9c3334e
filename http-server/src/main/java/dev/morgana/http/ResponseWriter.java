package dev.morgana.http;

import dev.morgana.types.http.HttpFields;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Serializes response heads to bytes: status line, Date, the application's fields, the
 * server's default fields, Content-Length and Connection. Field names and values from the
 * application are checked so that no handler can split a response. Thread-safe.
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

    private final DateHeader date;
    private final HttpFields defaults;

    ResponseWriter(DateHeader date, HttpFields defaults) {
        this.date = date;
        this.defaults = defaults;
        for (HttpFields.Field f : defaults.fields()) {
            check(f);
        }
    }

    /**
     * The head of a response.
     *
     * @param contentLength the Content-Length to announce, or -1 for none (204, 304)
     * @throws IllegalArgumentException if a field is malformed or one the server owns
     */
    ByteBuffer head(int status, HttpFields fields, long contentLength, Connection connection) {
        Builder b = new Builder(256);
        b.ascii("HTTP/1.1 ").ascii(Integer.toString(status)).ascii(" ")
                .ascii(HttpResponseStatus.valueOf(status).reasonPhrase()).crlf();
        b.bytes(date.line());
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
        if (contentLength >= 0) {
            b.ascii("Content-Length: ").ascii(Long.toString(contentLength)).crlf();
        }
        switch (connection) {
            case PERSISTENT -> { }
            case KEEP_ALIVE -> b.ascii("Connection: keep-alive").crlf();
            case CLOSE -> b.ascii("Connection: close").crlf();
        }
        b.crlf();
        return b.toBuffer();
    }

    private static boolean isServerOwned(String name) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.DATE.contentEqualsIgnoreCase(name);
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

        Builder bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
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

        ByteBuffer toBuffer() {
            return ByteBuffer.wrap(buf, 0, n);
        }
    }
}
