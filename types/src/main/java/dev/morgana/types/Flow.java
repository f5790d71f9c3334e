package dev.morgana.types;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A reliable, ordered, bidirectional byte stream: a TCP connection, a TLS session over one,
 * or an in-memory pipe in tests.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Blocking.</b> Every method blocks the calling thread until done. Callers are
 *       expected to be virtual threads, so blocking is cheap.</li>
 *   <li><b>Reading.</b> {@link #read} blocks until at least one byte is available, then
 *       transfers as many as fit and returns their count. It returns {@code -1} once the peer
 *       has shut down its output and every byte it sent has been read (end of stream); later
 *       calls keep returning {@code -1}.</li>
 *   <li><b>Writing.</b> {@link #write} and {@link #writev} return only when every remaining
 *       byte of the buffers has been accepted by the flow (queued for sending, not
 *       necessarily acknowledged). Buffers' positions advance to their limits.</li>
 *   <li><b>Errors.</b> A reset connection, a timeout or a protocol failure raises
 *       {@link IOException}; after one, the flow is unusable and must be closed.
 *       Reading or writing a closed flow raises {@link java.nio.channels.ClosedChannelException}.</li>
 *   <li><b>Threads.</b> One thread may read while another writes. Two concurrent readers
 *       (or two concurrent writers) are not supported.</li>
 *   <li><b>Closing from another thread.</b> {@link #close()} may be called from any thread;
 *       a read or write blocked in another thread then fails promptly with an
 *       {@link IOException}. Servers rely on this to enforce timeouts.</li>
 * </ul>
 */
public interface Flow extends AutoCloseable {

    /**
     * Reads bytes into {@code dst}, blocking until at least one byte is available.
     *
     * @return the number of bytes read (at least one if {@code dst} has room), or {@code -1}
     *     at end of stream
     */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every remaining byte of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /**
     * Writes every remaining byte of each buffer, in order, as if concatenated. Implementations
     * should send them in as few segments or system calls as they can.
     */
    default void writev(ByteBuffer... srcs) throws IOException {
        for (ByteBuffer src : srcs) {
            write(src);
        }
    }

    /**
     * Signals end of stream to the peer (TCP FIN, TLS close_notify) while still allowing reads.
     * Writing afterwards raises {@link IOException}. Idempotent.
     */
    void shutdownOutput() throws IOException;

    /** Closes both directions and releases the flow. Idempotent; never throws. */
    @Override
    void close();

    /** The peer's address, for logs ("10.0.0.1:51234"); never null. */
    String remote();
}
