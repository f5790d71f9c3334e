package dev.morgana.http;

/**
 * Sans-IO reader of a chunked request body (RFC 9112 §7.1) that checks its framing and
 * discards its content: a static server has no use for request bodies, but must find where the
 * next request starts. Strict: sizes are 1-15 hex digits with no whitespace, extensions hold
 * no control characters and are bounded, every line ends in CRLF, data is followed by CRLF,
 * and the total size and the trailer section are bounded.
 */
final class ChunkedBody implements BodyReader {

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private static final int MAX_SIZE_DIGITS = 15;
    private static final int MAX_EXTENSION_BYTES = 1024;

    private final long maxBody;
    private final int maxTrailerBytes;
    private State state = State.SIZE;
    private long size;
    private int digits;
    private int extensionBytes;
    private long remaining;
    private long total;
    private int lineBytes;
    private int trailerBytes;
    private Violation error;
    private long wireBytes;
    private final long maxWireBytes;

    ChunkedBody(long maxBody, int maxTrailerBytes) {
        this.maxBody = maxBody;
        this.maxTrailerBytes = maxTrailerBytes;
        // framing (sizes, extensions, CRLFs) may not multiply the work a body limit allows
        this.maxWireBytes = 2 * maxBody + maxTrailerBytes + 64 * 1024;
    }

    /** True once the last chunk and the trailer section have been read. */
    @Override
    public boolean done() {
        return state == State.DONE;
    }

    /** Why the body was refused, or null. */
    @Override
    public Violation error() {
        return error;
    }

    /**
     * Consumes body bytes from {@code buf[off, off+len)} and returns how many it used. It stops
     * at the end of the body ({@link #done()}) or at the first error ({@link #error()}).
     */
    @Override
    public int feed(byte[] buf, int off, int len) {
        if (wireBytes + len > maxWireBytes) {
            len = (int) Math.max(0, maxWireBytes - wireBytes);
            if (len == 0) {
                error = Violation.BODY_TOO_LARGE;
                return 0;
            }
        }
        int i = 0;
        while (i < len && error == null && state != State.DONE) {
            if (state == State.DATA) {
                int take = (int) Math.min(remaining, len - i);
                remaining -= take;
                i += take;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            step(buf[off + i] & 0xFF);
            if (error == null) {
                i++;
            }
        }
        wireBytes += i;
        return i;
    }

    private void step(int c) {
        switch (state) {
            case SIZE -> {
                int hex = Character.digit(c, 16);
                if (hex >= 0 && digits < MAX_SIZE_DIGITS) {
                    size = size * 16 + hex;
                    digits++;
                } else if (digits > 0 && c == ';') {
                    state = State.EXTENSION;
                } else if (digits > 0 && c == '\r') {
                    state = State.SIZE_LF;
                } else {
                    error = Violation.INVALID_CHUNK;
                }
            }
            case EXTENSION -> {
                if (c == '\r') {
                    state = State.SIZE_LF;
                } else if ((c == '\t' || (c >= 0x20 && c < 0x7F)) && ++extensionBytes <= MAX_EXTENSION_BYTES) {
                    // extension content is ignored, as RFC 9112 §7.1.1 allows
                } else {
                    error = Violation.INVALID_CHUNK;
                }
            }
            case SIZE_LF -> {
                if (c != '\n') {
                    error = Violation.INVALID_CHUNK;
                } else if (size == 0) {
                    state = State.TRAILER;
                    lineBytes = 0;
                } else if ((total += size) > maxBody) {
                    error = Violation.BODY_TOO_LARGE;
                } else {
                    remaining = size;
                    state = State.DATA;
                }
            }
            case DATA_CR -> {
                if (c == '\r') {
                    state = State.DATA_LF;
                } else {
                    error = Violation.INVALID_CHUNK;
                }
            }
            case DATA_LF -> {
                if (c == '\n') {
                    state = State.SIZE;
                    size = 0;
                    digits = 0;
                    extensionBytes = 0;
                } else {
                    error = Violation.INVALID_CHUNK;
                }
            }
            case TRAILER -> {
                if (c == '\r') {
                    state = State.TRAILER_LF;
                } else if (!Ascii.isFieldValueByte(c) && c != ':') {
                    error = Violation.INVALID_CHUNK;
                } else if (++trailerBytes > maxTrailerBytes) {
                    error = Violation.HEADERS_TOO_LARGE;
                } else {
                    lineBytes++;
                }
            }
            case TRAILER_LF -> {
                if (c != '\n') {
                    error = Violation.INVALID_CHUNK;
                } else if (lineBytes == 0) {
                    state = State.DONE;
                } else {
                    lineBytes = 0;
                    state = State.TRAILER;
                }
            }
            case DATA, DONE -> throw new IllegalStateException("not a byte-wise state: " + state);
        }
    }
}
