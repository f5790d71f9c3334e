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

        /**
         * Gives the content to {@code sink} in order, in chunks whose sizes add up to
         * {@link #length()} (no chunk when empty); the sink must not keep a chunk after its
         * call returns.
         */
        void writeTo(Streamed.Sink sink) throws IOException;
    }

    /** No content. */
    public record Empty() implements Body {
        @Override
        public long length() {
            return 0;
        }

        @Override
        public void writeTo(Streamed.Sink sink) {
            // nothing to send
        }
    }

    /** Content already in memory; the buffer is not modified (its duplicate is sent). */
    public record Bytes(ByteBuffer data) implements Body {
        @Override
        public long length() {
            return data.remaining();
        }

        @Override
        public void writeTo(Streamed.Sink sink) throws IOException {
            sink.write(data.duplicate());
        }
    }

    /** Content produced on demand (a large file read in chunks from a block device). */
    public record Streamed(long length, Writer writer) implements Body {

        @Override
        public void writeTo(Sink sink) throws IOException {
            writer.writeTo(sink);
        }

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
