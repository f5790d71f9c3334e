package dev.morgana.http;

import dev.morgana.types.Flow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** One end of an in-memory, unbounded, blocking byte pipe pair with {@link Flow} semantics. */
final class PipeFlow implements Flow {

    /** One direction of the pipe. */
    private static final class Channel {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition readable = lock.newCondition();
        private byte[] data = new byte[1024];
        private int head;
        private int tail;
        private boolean eof;
        private boolean readerClosed;

        void write(ByteBuffer src) throws IOException {
            lock.lock();
            try {
                if (eof) {
                    throw new IOException("output shut down");
                }
                if (readerClosed) {
                    throw new IOException("broken pipe: peer closed");
                }
                int n = src.remaining();
                if (tail + n > data.length) {
                    byte[] bigger = new byte[Math.max(2 * data.length, tail - head + n)];
                    System.arraycopy(data, head, bigger, 0, tail - head);
                    tail -= head;
                    head = 0;
                    data = bigger;
                }
                src.get(data, tail, n);
                tail += n;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        int read(ByteBuffer dst) throws IOException {
            lock.lock();
            try {
                while (head == tail && !eof && !readerClosed) {
                    try {
                        readable.await(); // interruptible, so a test's @Timeout can end a stuck read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while reading");
                    }
                }
                if (readerClosed) {
                    throw new ClosedChannelException();
                }
                if (head == tail) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), tail - head);
                dst.put(data, head, n);
                head += n;
                return n;
            } finally {
                lock.unlock();
            }
        }

        void shutdown() {
            lock.lock();
            try {
                eof = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeReader() {
            lock.lock();
            try {
                readerClosed = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final Channel in;
    private final Channel out;
    private final String remote;
    private volatile boolean closed;
    /** How many write or writev calls this end made. */
    final AtomicInteger writeCalls = new AtomicInteger();

    private PipeFlow(Channel in, Channel out, String remote) {
        this.in = in;
        this.out = out;
        this.remote = remote;
    }

    /** A connected pair: [client, server]. */
    static PipeFlow[] pair() {
        Channel up = new Channel();
        Channel down = new Channel();
        return new PipeFlow[] {new PipeFlow(down, up, "127.0.0.1:8080"), new PipeFlow(up, down, "192.0.2.7:40000")};
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        return in.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        writeCalls.incrementAndGet();
        out.write(src);
    }

    @Override
    public void writev(ByteBuffer... srcs) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        writeCalls.incrementAndGet();
        int total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer b : srcs) {
            all.put(b);
        }
        out.write(all.flip());
    }

    @Override
    public void shutdownOutput() {
        out.shutdown();
    }

    @Override
    public void close() {
        closed = true;
        in.closeReader();
        out.shutdown();
    }

    @Override
    public String remote() {
        return remote;
    }

    boolean isClosed() {
        return closed;
    }
}
