package dev.morgana.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A connection's input buffer: the bytes read and not yet consumed are
 * {@code array()[start(), end())}. Both serving paths ({@link Http1Connection} and
 * {@link LoopConnection}) keep their input here, so they share one policy: the buffer starts at
 * {@link #READ_SIZE} (most request heads are far smaller), unconsumed bytes move to the front
 * before it grows, it doubles when they fill it, up to the largest request head plus one read,
 * and it returns to its usual size once everything is consumed, so idle connections stay cheap.
 *
 * <p>Reading is the caller's: {@link #room()} gives the buffer to read into and
 * {@link #received(int)} records what the read returned. Not thread-safe: one instance per
 * connection, used by the thread that serves it.
 */
final class InputWindow {

    /** The usual buffer size, and the most one read adds beyond a full request head. */
    static final int READ_SIZE = 4096;

    /** The largest the buffer grows: a head the parser accepts plus one read. */
    private final int limit;
    private byte[] buf = new byte[READ_SIZE];
    /** A view of {@link #buf} to read into, made again when the buffer is replaced. */
    private ByteBuffer view;
    private int start;
    private int end;

    /**
     * An empty window for heads up to {@code maxHeadBytes} ({@link RequestParser#maxHeadBytes()}).
     *
     * @throws IllegalArgumentException if {@code maxHeadBytes} is negative or too large for an array
     */
    InputWindow(int maxHeadBytes) {
        if (maxHeadBytes < 0 || maxHeadBytes > Integer.MAX_VALUE - 16 - READ_SIZE) {
            throw new IllegalArgumentException("request head limit out of range: " + maxHeadBytes);
        }
        this.limit = maxHeadBytes + READ_SIZE;
    }

    /** The buffer; valid until the next {@link #room()} or {@link #load}, which may replace it. */
    byte[] array() {
        return buf;
    }

    /** Index of the first unconsumed byte in {@link #array()}. */
    int start() {
        return start;
    }

    /** Index after the last byte read. */
    int end() {
        return end;
    }

    /** How many bytes are read and not consumed. */
    int available() {
        return end - start;
    }

    boolean isEmpty() {
        return start == end;
    }

    /** The buffer's current size (for tests and accounting). */
    int capacity() {
        return buf.length;
    }

    /** The size the buffer never exceeds. */
    int limit() {
        return limit;
    }

    /**
     * Marks the next {@code n} bytes consumed.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than {@link #available()}
     */
    void consume(int n) {
        if (n < 0 || n > end - start) {
            throw new IllegalArgumentException("cannot consume " + n + " of " + (end - start) + " bytes");
        }
        start += n;
    }

    /**
     * Makes room after the unconsumed bytes and returns the buffer to read into: position at
     * {@link #end()}, limit at the buffer's end, at least one byte free. Empty, the buffer goes
     * back to its usual size; full, its unconsumed bytes move to the front, and if they alone
     * fill it, it doubles.
     *
     * @throws IllegalStateException when the unconsumed bytes already fill the largest buffer:
     *     more than a request head within the parser's limits, which the parser should have
     *     refused before (the connection cannot go on)
     */
    ByteBuffer room() {
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
            if (buf.length >= limit) {
                throw new IllegalStateException("request head larger than the parser's limits");
            }
            buf = Arrays.copyOf(buf, Math.min(limit, buf.length * 2));
        }
        if (view == null || view.array() != buf) {
            view = ByteBuffer.wrap(buf);
        }
        return view.limit(buf.length).position(end);
    }

    /**
     * Records the result of a read into {@link #room()}: {@code n} bytes arrived, or end of
     * stream when negative.
     *
     * @return false at end of stream
     * @throws IllegalArgumentException if {@code n} is more than the room given
     */
    boolean received(int n) {
        if (n < 0) {
            return false;
        }
        if (n > buf.length - end) {
            throw new IllegalArgumentException("read " + n + " bytes into " + (buf.length - end) + " free");
        }
        end += n;
        return true;
    }

    /**
     * Replaces the content with {@code input[from, to)}: bytes another reader took from the
     * connection and did not consume.
     *
     * @throws IllegalArgumentException if they exceed {@link #limit()}
     */
    void load(byte[] input, int from, int to) {
        int n = to - from;
        if (n > limit) {
            throw new IllegalArgumentException("more buffered input than a request head may hold");
        }
        if (n > buf.length) {
            buf = new byte[Math.min(limit, Math.max(n, READ_SIZE))];
        }
        System.arraycopy(input, from, buf, 0, n);
        start = 0;
        end = n;
    }

    /** A copy of the unconsumed bytes. */
    byte[] unconsumed() {
        return Arrays.copyOfRange(buf, start, end);
    }
}
