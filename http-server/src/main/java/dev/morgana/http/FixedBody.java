package dev.morgana.http;

/** A body of a length announced by Content-Length; refused at once when over the limit. */
final class FixedBody implements BodyReader {

    private long remaining;
    private final Violation error;

    FixedBody(long length, long maxBody) {
        this.remaining = length;
        this.error = length > maxBody ? Violation.BODY_TOO_LARGE : null;
    }

    @Override
    public int feed(byte[] buf, int off, int len) {
        if (error != null) {
            return 0;
        }
        int take = (int) Math.min(remaining, len);
        remaining -= take;
        return take;
    }

    @Override
    public boolean done() {
        return error == null && remaining == 0;
    }

    @Override
    public Violation error() {
        return error;
    }
}
