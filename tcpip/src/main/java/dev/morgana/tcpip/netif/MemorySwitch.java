package dev.morgana.tcpip.netif;

import dev.morgana.types.Clock;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An Ethernet switch in memory connecting several stacks in one JVM. Unicast frames go to the
 * port with that MAC (flooded if none has it), broadcast and multicast to every other port. Each
 * delivery passes through seeded {@link Impairments}; frames become receivable at
 * {@code send time + delay} on the switch's {@link Clock}.
 *
 * <p>With a {@link VirtualClock}, {@link Port#receive} never blocks: it returns a frame already due
 * or false, and a simulation driver advances the clock to {@link #nextDelivery()}. With a real
 * clock, receive waits up to its timeout. Thread-safe.
 */
public final class MemorySwitch {

    private record Delivery(long at, long order, byte[] frame) {}

    private final Clock clock;
    private final Impairments impairments;
    private final SeededRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<Port> ports = new ArrayList<>();
    private final int mtu;
    private long order;
    private long delivered;
    private long lost;

    public MemorySwitch(Clock clock, Impairments impairments, long seed) {
        this(clock, impairments, seed, 1500);
    }

    public MemorySwitch(Clock clock, Impairments impairments, long seed, int mtu) {
        this.clock = clock;
        this.impairments = impairments;
        this.random = new SeededRandom(seed);
        this.mtu = mtu;
    }

    /** Adds a port whose interface has address {@code mac}. */
    public Port connect(MacAddress mac) {
        lock.lock();
        try {
            Port p = new Port(mac);
            ports.add(p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** The earliest time a queued frame becomes receivable; {@link Long#MAX_VALUE} if none. */
    public long nextDelivery() {
        lock.lock();
        try {
            long next = Long.MAX_VALUE;
            for (Port p : ports) {
                Delivery d = p.queue.peek();
                if (d != null) {
                    next = Math.min(next, d.at);
                }
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Frames queued for ports so far (duplicates included), and frames dropped by the loss impairment. */
    public record SwitchStats(long delivered, long lost) {}

    public SwitchStats stats() {
        lock.lock();
        try {
            return new SwitchStats(delivered, lost);
        } finally {
            lock.unlock();
        }
    }

    private void forward(Port from, byte[] frame) {
        long dst = frame.length >= 6 ? (frame[0] & 0xffL) << 40 | (frame[1] & 0xffL) << 32 | (frame[2] & 0xffL) << 24
                | (frame[3] & 0xffL) << 16 | (frame[4] & 0xffL) << 8 | (frame[5] & 0xffL) : 0;
        boolean group = (dst >>> 40 & 1) != 0;
        Port target = null;
        if (!group) {
            for (Port p : ports) {
                if (p != from && p.mac.bits() == dst) {
                    target = p;
                }
            }
        }
        for (Port p : ports) {
            if (p != from && !p.closed && (target == null || p == target)) {
                impair(p, frame);
            }
        }
        arrived.signalAll();
    }

    private void impair(Port to, byte[] frame) {
        if (random.nextDouble() < impairments.loss()) {
            lost++;
            return;
        }
        int copies = random.nextDouble() < impairments.duplication() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            byte[] copy = frame.clone();
            if (copy.length > 0 && random.nextDouble() < impairments.corruption()) {
                int at = (int) random.nextLong(copy.length);
                copy[at] ^= (byte) (1 + random.nextLong(255));
            }
            long latency = impairments.delay().toNanos();
            long jitter = impairments.jitter().toNanos();
            if (jitter > 0) {
                latency += random.nextLong(jitter);
            }
            if (random.nextDouble() < impairments.reordering()) {
                latency += Math.max(impairments.delay().toNanos(), 1_000_000L);
            }
            to.queue.add(new Delivery(clock.monotonicNanos() + latency, order++, copy));
            delivered++;
        }
    }

    /** One port of the switch: a {@link Network} for one stack. */
    public final class Port implements Network {

        private final MacAddress mac;
        private final PriorityQueue<Delivery> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        private volatile boolean closed;

        private Port(MacAddress mac) {
            this.mac = mac;
        }

        @Override
        public String name() {
            return "memory-switch-port:" + mac;
        }

        @Override
        public MacAddress mac() {
            return mac;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public void send(ByteBuffer frame) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            lock.lock();
            try {
                forward(this, bytes);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
            long waitUntil = System.nanoTime() + Math.max(0, timeout.toNanos());
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    Delivery head = queue.peek();
                    long now = clock.monotonicNanos();
                    if (head != null && head.at - now <= 0) {
                        queue.poll();
                        if (head.frame.length > dst.remaining()) {
                            continue;
                        }
                        dst.put(head.frame);
                        return true;
                    }
                    if (clock instanceof VirtualClock) {
                        return false;
                    }
                    long left = waitUntil - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    if (head != null) {
                        left = Math.min(left, head.at - now);
                    }
                    arrived.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while receiving");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                queue.clear();
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
