package dev.morgana.http;

import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread of a {@link LoopServer}: its connections stay registered for readiness,
 * so a keep-alive request costs one epoll wake-up, one read and one write, with no thread
 * parked or unparked. Other threads reach it only through {@link #execute}. Every
 * {@code tick} it closes the connections whose deadline passed, by the injected clock.
 */
final class SelectorLoop implements Runnable {

    private final Selector selector;
    private final Console console;
    private final Clock clock;
    private final long tickMillis;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<LoopConnection> connections = new HashSet<>();
    /** Hand-overs waiting for the selector to deregister their channel. */
    private List<Runnable> handOvers = new ArrayList<>();
    /** Shared output buffer: empty between callbacks; off-heap, so the kernel reads it without a copy. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(Http1Connection.OUT_SIZE);
    private volatile boolean stopped;

    SelectorLoop(Console console, Clock clock, Duration tick) throws IOException {
        this.selector = Selector.open();
        this.console = console;
        this.clock = clock;
        this.tickMillis = Math.max(1, tick.toMillis());
    }

    Selector selector() {
        return selector;
    }

    ByteBuffer out() {
        return out;
    }

    /** Runs {@code task} on the loop's thread soon. Thread-safe. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Adds an accepted connection (on the loop's thread). */
    void add(LoopConnection connection) {
        try {
            connection.register();
            connections.add(connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
        }
    }

    void forget(LoopConnection connection) {
        connections.remove(connection);
    }

    /** Queues a hand-over: {@code task} starts on a virtual thread once the channel is deregistered. */
    void handOver(LoopConnection connection, Runnable task) {
        connections.remove(connection);
        handOvers.add(task);
    }

    @Override
    public void run() {
        long nextScan = clock.monotonicNanos();
        try {
            while (!stopped) {
                selector.select(this::ready, tickMillis);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    out.clear();
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // one connection's failure must not stop the loop serving the others
                        console.log("http: loop task failed: " + e);
                    }
                }
                startHandOvers();
                long now = clock.monotonicNanos();
                if (now - nextScan >= 0) {
                    nextScan = now + tickMillis * 1_000_000L;
                    for (LoopConnection c : List.copyOf(connections)) {
                        if (c.expired(now)) {
                            c.close();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                console.log("http: selector loop failed: " + e);
            }
        } finally {
            for (LoopConnection c : List.copyOf(connections)) {
                c.close();
            }
            startHandOvers();
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing registered is left to release
            }
        }
    }

    private void ready(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        LoopConnection c = (LoopConnection) key.attachment();
        int ops = key.readyOps();
        out.clear();
        try {
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                c.onWritable();
            } else if ((ops & SelectionKey.OP_READ) != 0) {
                c.onReadable();
            }
        } catch (IOException e) {
            c.close(); // the peer went away
        } catch (RuntimeException e) {
            console.log("http: connection failed: " + e);
            c.close();
        }
    }

    /**
     * Starts the queued hand-overs: a further non-blocking select deregisters their cancelled
     * keys (a channel can return to blocking mode only then); it may queue more, hence the loop.
     */
    private void startHandOvers() {
        try {
            while (!handOvers.isEmpty()) {
                List<Runnable> batch = handOvers;
                handOvers = new ArrayList<>();
                selector.selectNow(this::ready);
                for (Runnable task : batch) {
                    Thread.ofVirtual().name("http-conn").start(task);
                }
            }
        } catch (IOException e) {
            console.log("http: selector failed: " + e);
        }
    }

    /** Stops the loop; its connections are closed. Thread-safe. */
    void stop() {
        stopped = true;
        selector.wakeup();
    }
}
