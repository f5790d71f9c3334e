package dev.morgana.http;

import dev.morgana.types.http.HttpFields;

/**
 * A request head that passed the parser's syntax and framing checks.
 *
 * @param method the method token, case-sensitive
 * @param target the request target exactly as sent
 * @param versionMinor 0 or 1
 * @param headers the field lines, names as sent, values without surrounding whitespace
 * @param framing how the body that follows is delimited
 * @param keepAlive whether the client wants the connection kept open afterwards
 */
public record RequestHead(String method, String target, int versionMinor, HttpFields headers,
                          Framing framing, boolean keepAlive) {

    /** How a request body is delimited (RFC 9112 §6.3). */
    public sealed interface Framing {

        /**
         * A reader for a body so framed, which refuses more than {@code maxBodyBytes} of
         * content and a chunked trailer section over {@code maxTrailerBytes}.
         */
        BodyReader reader(long maxBodyBytes, int maxTrailerBytes);
    }

    /** A body of exactly {@code length} bytes (0 when no Content-Length was sent). */
    public record Fixed(long length) implements Framing {
        @Override
        public BodyReader reader(long maxBodyBytes, int maxTrailerBytes) {
            return new FixedBody(length, maxBodyBytes);
        }
    }

    /** A chunked body. */
    public record Chunked() implements Framing {
        @Override
        public BodyReader reader(long maxBodyBytes, int maxTrailerBytes) {
            return new ChunkedBody(maxBodyBytes, maxTrailerBytes);
        }
    }
}
