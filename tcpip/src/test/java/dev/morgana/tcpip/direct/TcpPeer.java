package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * A simulated application on one end of a connection, stepped by the {@link Simulation}: writes
 * its bytes, shuts its output down, reads until end of stream, then closes; or closes early once
 * it has read {@code closeAfter} bytes.
 */
final class TcpPeer {

    final byte[] toSend;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final long closeAfter;
    private final LongSupplier clock;
    TcpConnection connection;
    private int sent;
    private boolean shutdown;
    boolean endOfStream;
    boolean closed;
    boolean closedEarly;
    String error;
    private final ByteBuffer buffer = ByteBuffer.allocate(7000);
    /** When set, the reader now and then stops reading for up to 3 s, so windows close. */
    private java.util.SplittableRandom pauses;
    private long pausedUntil;

    /** Makes this reader pause at random moments (drawn from {@code random}), closing its window. */
    TcpPeer pausing(java.util.SplittableRandom random) {
        this.pauses = random;
        return this;
    }

    TcpPeer(byte[] toSend, long closeAfter, LongSupplier clock) {
        this.toSend = toSend;
        this.closeAfter = closeAfter;
        this.clock = clock;
    }

    /** True when this end is through: closed by itself, or failed. */
    boolean done() {
        return closed || error != null;
    }

    /** One step of the application; returns whether it did anything. */
    boolean step() {
        TcpConnection c = connection;
        if (c == null || done()) {
            return false;
        }
        long now = clock.getAsLong();
        if (c.error() != null) {
            error = c.error();
            c.close(now);
            return true;
        }
        if (c.state() == TcpState.SYN_SENT || c.state() == TcpState.SYN_RECEIVED) {
            return false;
        }
        boolean progress = false;
        if (sent < toSend.length && c.writable() > 0) {
            int n = c.write(ByteBuffer.wrap(toSend, sent, toSend.length - sent), now);
            sent += n;
            progress = n > 0;
        }
        if (sent == toSend.length && !shutdown) {
            shutdown = true;
            c.shutdownOutput(now);
            progress = true;
        }
        if (pauses != null && now >= pausedUntil && pauses.nextInt(50) == 0) {
            pausedUntil = now + pauses.nextLong(3_000_000_000L);
        }
        buffer.clear();
        int n = now < pausedUntil ? 0 : c.read(buffer, now);
        if (n > 0) {
            received.write(buffer.array(), 0, n);
            progress = true;
        }
        if (closeAfter >= 0 && received.size() >= closeAfter) {
            closedEarly = true;
            closed = true;
            c.close(now);
            return true;
        }
        if (c.endOfStream() && !endOfStream) {
            endOfStream = true;
            progress = true;
        }
        if (endOfStream && shutdown) {
            closed = true;
            c.close(now);
            return true;
        }
        if (c.error() != null) {
            error = c.error();
            return true;
        }
        return progress;
    }
}
