package dev.morgana.types.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the application answers. The server adds Date, Content-Length and Connection, and
 * sends no body for HEAD requests or for 204 and 304.
 *
 * @param status the status code (200, 404, ...)
 * @param headers the application's header fields (Content-Type, ETag, Location, ...)
 * @param body the content
 */
public record HttpResponse(int status, HttpFields headers, Body body) {

    public HttpResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status out of range: " + status);
        }
        Objects.requireNonNull(headers);
        Objects.requireNonNull(body);
    }

    /** A response's content, with its length known before it is sent. */
    public sealed interface Body {
        long length();
    }

    /** No content. */
    public record Empty() implements Body {
        @Override
        public long length() {
            return 0;
        }
    }

    /** Content already in memory; the buffer is not modified (its duplicate is sent). */
    public record Bytes(ByteBuffer data) implements Body {
        @Override
        public long length() {
            return data.remaining();
        }
    }

    /** Content produced on demand (a large file read in chunks from a block device). */
    public record Streamed(long length, Writer writer) implements Body {
        /** Writes exactly {@code length} bytes to the sink. */
        @FunctionalInterface
        public interface Writer {
            void writeTo(Sink sink) throws IOException;
        }

        /** Where a streamed body goes. */
        @FunctionalInterface
        public interface Sink {
            void write(ByteBuffer chunk) throws IOException;
        }
    }
}
