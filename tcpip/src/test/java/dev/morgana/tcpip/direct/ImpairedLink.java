package dev.morgana.tcpip.direct;

import dev.morgana.types.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real {@link Network} (a TAP device) with the impairments {@code tc netem} would add, for
 * kernels built without netem: each frame, in either direction, is dropped with probability
 * {@code loss}, and frames this side sends reach the wire {@code delay} later (a one-way delay, so
 * the round trip grows by {@code delay}). Seeded; the delay line keeps order and holds at most
 * {@value #MAX_QUEUED} frames (more are dropped, like a full queue). Test-only.
 */
final class ImpairedLink extends ForwardingNetwork {

    private static final int MAX_QUEUED = 20_000;

    private record Pending(long due, byte[] frame) {}

    private final double loss;
    private final long delayNanos;
    private final SplittableRandom sendRandom;
    private final SplittableRandom receiveRandom;
    private final LinkedBlockingQueue<Pending> line = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread sender;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private volatile boolean open = true;

    ImpairedLink(Network inner, double loss, Duration delay, long seed) {
        super(inner);
        this.loss = loss;
        this.delayNanos = delay.toNanos();
        this.sendRandom = new SplittableRandom(seed);
        this.receiveRandom = new SplittableRandom(~seed);
        this.sender = Thread.ofPlatform().daemon().name("delay-line:" + inner.name()).start(this::drain);
    }

    /** Frames dropped on purpose so far, both directions. */
    long dropped() {
        return dropped.get();
    }

    /** Frames let through so far, both directions. */
    long passed() {
        return passed.get();
    }

    @Override
    public String name() {
        return "impaired(" + inner.name() + ")";
    }

    @Override
    public void send(ByteBuffer frame) throws IOException {
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        boolean drop;
        synchronized (sendRandom) {
            drop = sendRandom.nextDouble() < loss;
        }
        if (drop || !line.offer(new Pending(System.nanoTime() + delayNanos, copy))) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        try {
            while (open) {
                Pending p = line.take();
                long wait = p.due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                try {
                    inner.send(ByteBuffer.wrap(p.frame));
                    passed.incrementAndGet();
                } catch (IOException e) {
                    dropped.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            // Closed.
        }
    }

    @Override
    public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
        long until = System.nanoTime() + timeout.toNanos();
        int start = dst.position();
        while (true) {
            long left = until - System.nanoTime();
            if (!inner.receive(dst, Duration.ofNanos(Math.max(0, left)))) {
                return false;
            }
            if (receiveRandom.nextDouble() >= loss) {
                passed.incrementAndGet();
                return true;
            }
            dropped.incrementAndGet();
            dst.position(start);
            if (until - System.nanoTime() <= 0) {
                return false;
            }
        }
    }

    @Override
    public void close() {
        open = false;
        sender.interrupt();
        try {
            sender.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
