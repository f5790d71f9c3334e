package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.tcp.Tcp;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * {@link Tcpv4} over the engine's {@link Tcp}, for {@link DirectStackV4}: application threads
 * call the sans-IO connections under the stack's lock; a blocked flow waits on a condition of its
 * own, which {@link #wake} signals after an engine step only once what the flow waits for holds,
 * so a frame for one connection does not wake the threads of all the others. Each accepted connection runs its handler on a virtual thread and is
 * closed when the handler returns, as with the socket stack.
 */
final class DirectTcpv4 implements Tcpv4 {

    /** What the stack lends: its lock and a way to run engine calls. */
    interface Engine {
        ReentrantLock lock();

        /** Runs {@code action} under the lock with the current time, then sends what it queued. */
        <T> T call(LongFunction<T> action);

        Tcp tcp();

        /** False once the stack stopped: blocked flows then fail instead of waiting for ever. */
        boolean running();
    }

    private final Engine engine;
    private final Console console;
    /** Threads blocked in a flow call, each on its own condition; guarded by the engine's lock. */
    private final Set<Waiter> waiting = new HashSet<>();
    private long wakeups;

    /** A blocked thread: its condition, and what must hold for it to go on. */
    private static final class Waiter {
        final Condition condition;
        final BooleanSupplier ready;

        Waiter(Condition condition, BooleanSupplier ready) {
            this.condition = condition;
            this.ready = ready;
        }
    }

    DirectTcpv4(Engine engine, Console console) {
        this.engine = engine;
        this.console = console;
    }

    /**
     * Called by the stack with its lock held after every engine step: wakes each blocked thread
     * whose condition now holds, or all of them once the stack stopped.
     */
    void wake() {
        boolean stopped = !engine.running();
        for (java.util.Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (stopped || w.ready.getAsBoolean()) {
                it.remove(); // signalled once; it re-registers if it has to wait again
                wakeups++;
                w.condition.signal();
            }
        }
    }

    /** Threads woken so far by {@link #wake}, for tests. */
    long wakeups() {
        ReentrantLock lock = engine.lock();
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks the calling thread, which holds the lock, until {@code ready} holds or the stack stops (or spuriously). */
    private void await(BooleanSupplier ready) throws InterruptedException {
        Waiter w = new Waiter(engine.lock().newCondition(), ready);
        waiting.add(w);
        try {
            w.condition.await();
        } finally {
            waiting.remove(w);
        }
    }

    @Override
    public Listener listen(int port, FlowHandler handler) throws IOException {
        Tcp.Listening l;
        try {
            l = engine.call(now -> {
                try {
                    return engine.tcp().listen(port, c -> serve(c, handler));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Listener() {
            @Override
            public int port() {
                return l.port();
            }

            @Override
            public void close() {
                engine.call(now -> {
                    engine.tcp().unlisten(l);
                    return null;
                });
            }
        };
    }

    /** Called on the event loop when a connection is established: hands it to a virtual thread. */
    private void serve(TcpConnection c, FlowHandler handler) {
        Thread.ofVirtual().name("tcp-" + c.localPort() + "-conn").start(() -> {
            try (DirectFlow flow = new DirectFlow(c)) {
                handler.handle(flow);
            } catch (Exception e) {
                console.log("tcp: connection handler on port " + c.localPort() + " failed: " + e);
            }
        });
    }

    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        TcpConnection c;
        try {
            c = engine.call(now -> {
                try {
                    return engine.tcp().connect(address, port, now);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        DirectFlow flow = new DirectFlow(c);
        ReentrantLock lock = engine.lock();
        lock.lock();
        try {
            while (c.state() == TcpState.SYN_SENT || c.state() == TcpState.SYN_RECEIVED) {
                if (!engine.running()) {
                    throw new IOException("cannot connect to " + address + ":" + port + ": the stack stopped");
                }
                DirectTcpv4.this.await(() -> c.state() != TcpState.SYN_SENT && c.state() != TcpState.SYN_RECEIVED);
            }
            if (c.error() != null) {
                throw new IOException("cannot connect to " + address + ":" + port + ": " + c.error());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flow.close();
            throw new InterruptedIOException("interrupted while connecting to " + address + ":" + port);
        } finally {
            lock.unlock();
        }
        return flow;
    }

    /** A blocking {@link Flow} over one connection. */
    private final class DirectFlow implements Flow {

        private final TcpConnection c;
        private final String remote;
        private volatile boolean closed;

        DirectFlow(TcpConnection c) {
            this.c = c;
            this.remote = c.remoteAddress() + ":" + c.remotePort();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!dst.hasRemaining()) {
                return 0;
            }
            ReentrantLock lock = engine.lock();
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    if (c.readable() > 0) {
                        return engine.call(now -> c.read(dst, now));
                    }
                    if (c.endOfStream()) {
                        return -1;
                    }
                    if (c.error() != null) {
                        throw new IOException(c.error());
                    }
                    if (c.state() == TcpState.CLOSED) {
                        throw new IOException("connection closed");
                    }
                    if (!engine.running()) {
                        throw new IOException("the network stack stopped");
                    }
                    await(() -> closed || c.readable() > 0 || c.endOfStream() || c.error() != null || c.state() == TcpState.CLOSED);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from " + remote);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            ReentrantLock lock = engine.lock();
            lock.lock();
            try {
                while (src.hasRemaining()) {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    if (c.error() != null) {
                        throw new IOException(c.error());
                    }
                    if (c.state() == TcpState.CLOSED) {
                        throw new IOException("connection closed");
                    }
                    if (c.writable() > 0) {
                        try {
                            engine.call(now -> c.write(src, now));
                        } catch (IllegalStateException e) {
                            throw new IOException("cannot write to " + remote + ": " + e.getMessage());
                        }
                        continue;
                    }
                    if (!engine.running()) {
                        throw new IOException("the network stack stopped");
                    }
                    await(() -> closed || c.writable() > 0 || c.error() != null || c.state() == TcpState.CLOSED);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to " + remote);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            if (closed) {
                return;
            }
            engine.call(now -> {
                c.shutdownOutput(now);
                return null;
            });
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            engine.call(now -> {
                c.close(now);
                return null;
            });
        }

        @Override
        public String remote() {
            return remote;
        }
    }
}
