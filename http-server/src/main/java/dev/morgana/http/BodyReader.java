package dev.morgana.http;

/**
 * Sans-IO reader that finds where a request body ends in the bytes after its head, checking
 * its framing and discarding its content (a static server has no use for request bodies, but
 * must find where the next request starts). One per body, from {@link RequestHead.Framing#reader}.
 */
public sealed interface BodyReader permits FixedBody, ChunkedBody {

    /**
     * Consumes body bytes from {@code buf[off, off+len)} and returns how many it used. It stops
     * at the end of the body ({@link #done()}) or at the first error ({@link #error()}).
     */
    int feed(byte[] buf, int off, int len);

    /** True once the whole body has been read. */
    boolean done();

    /** Why the body is refused, or null. */
    Violation error();
}
