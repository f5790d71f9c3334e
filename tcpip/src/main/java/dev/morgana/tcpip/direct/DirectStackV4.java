package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.tcp.Tcp;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Network;
import dev.morgana.types.Random;
import dev.morgana.types.StackV4;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.Udpv4;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The from-scratch stack over a {@link Network}: a {@link StackEngine} driven by one event-loop
 * thread, which waits on the network for at most the time left to the engine's next deadline.
 * Application threads call in under a lock; frames they cause are sent at once.
 *
 * <p>TCP ({@link #tcpv4()}) is the engine's {@link Tcp}, wrapped by {@link DirectTcpv4}: flows
 * block their (virtual) threads on a condition the loop signals after every step.
 */
public final class DirectStackV4 implements StackV4 {

    /** Longest wait on the network, so work queued by application threads is never delayed long. */
    private static final long MAX_WAIT_NANOS = 20_000_000L;
    /** Queued frames taken in a row before the timers run again, so a flood cannot hold timers up for long. */
    private static final int MAX_BATCH = 256;

    private final Network network;
    private final Clock clock;
    private final Console console;
    private final StackEngine engine;
    private final long origin;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread loop;
    private final Udpv4 udp = new DirectUdp();
    private final DirectTcpv4 tcp;
    private volatile boolean running = true;
    private long sendErrors;
    private long internalErrors;
    /** Received frames the kernel dropped (packet sockets only); event-loop thread only. */
    private long kernelDrops;
    private long unreportedDrops;
    private long reportedSendErrors;
    private long lastDropCheck = System.nanoTime();
    private long lastDropReport = System.nanoTime() - 10_000_000_000L;
    private volatile Throwable failure;
    /** Pings waiting for their reply, so several threads may ping at once. */
    private final Map<PingKey, CompletableFuture<Long>> pings = new ConcurrentHashMap<>();
    private final AtomicInteger nextPingId = new AtomicInteger(0x4d47);

    private record PingKey(Ipv4Address peer, int identifier, int sequence) {}

    private static final byte[] PING_DATA = "morgana-ping-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private DirectStackV4(Network network, Optional<Ipv4Config> config, Clock clock, Random random, Console console, TcpConfig tcpConfig) {
        this.network = network;
        this.clock = clock;
        this.console = console;
        this.origin = clock.monotonicNanos();
        this.engine = new StackEngine(network.mac(), network.mtu(), config, random, tcpConfig);
        this.tcp = new DirectTcpv4(new DirectTcpv4.Engine() {
            @Override
            public ReentrantLock lock() {
                return lock;
            }

            @Override
            public <T> T call(java.util.function.LongFunction<T> action) {
                return DirectStackV4.this.call(action);
            }

            @Override
            public Tcp tcp() {
                return engine.tcp();
            }

            @Override
            public boolean running() {
                return running && failure == null;
            }
        }, console);
        if (network instanceof dev.morgana.tcpip.netif.TcpSegmentationOffload tso) {
            engine.linkSegmentsTcp(tso.maxTcpPacket());
        }
        engine.onLog(console::log);
        engine.icmp().onEchoReply((src, id, seq, data, at) -> {
            CompletableFuture<Long> waiting = pings.get(new PingKey(src, id, seq));
            if (waiting != null) {
                waiting.complete(at);
            }
        });
        lock.lock();
        try {
            engine.start(now());
            flush();
        } finally {
            lock.unlock();
        }
        this.loop = Thread.ofPlatform().daemon().name("direct-stack:" + network.name()).start(this::run);
    }

    /** Starts a stack with a static address (keys IP, NETMASK, GATEWAY). */
    public static DirectStackV4 start(Network network, Ipv4Config config, Clock clock, Random random, Console console) {
        return start(network, config, clock, random, console, TcpConfig.DEFAULT);
    }

    /** Starts a stack with a static address and the given TCP buffers, timers and bounds. */
    public static DirectStackV4 start(Network network, Ipv4Config config, Clock clock, Random random, Console console,
            TcpConfig tcpConfig) {
        if (!config.configured()) {
            throw new IllegalArgumentException("IP: a static configuration needs an address, not 0.0.0.0");
        }
        return new DirectStackV4(network, Optional.of(config), clock, random, console, tcpConfig);
    }

    /**
     * Starts a stack that leases its address by DHCP (key DHCP=true), waiting up to
     * {@code leaseTimeout} for the first lease.
     *
     * @throws IOException if no lease came in time (the stack is closed then)
     */
    public static DirectStackV4 startDhcp(Network network, Clock clock, Random random, Console console, Duration leaseTimeout)
            throws IOException {
        DirectStackV4 stack = new DirectStackV4(network, Optional.empty(), clock, random, console, TcpConfig.DEFAULT);
        long until = System.nanoTime() + leaseTimeout.toNanos();
        while (stack.addresses().getFirst().equals(Ipv4Address.ANY)) {
            if (System.nanoTime() - until > 0 || stack.failure != null) {
                stack.close();
                throw new IOException("DHCP: no lease from any server on " + network.name() + " within " + leaseTimeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                stack.close();
                Thread.currentThread().interrupt();
                throw new IOException("DHCP: interrupted while waiting for a lease");
            }
        }
        return stack;
    }

    private long now() {
        return clock.monotonicNanos() - origin;
    }

    private void run() {
        // Room for a 64 KiB IP packet: a TAP with TSO hands over GSO super-frames larger than the MTU.
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(65536, network.mtu()) + 64);
        try {
            while (running) {
                // Frames already queued go in before the timers run: after the loop was held up
                // (a GC, a slow emulated CPU), the ACKs waiting in the queue must be seen before a
                // retransmission timer fires for what they acknowledge (a spurious retransmission,
                // more load), and a queue left to grow overflows in the kernel, which drops frames.
                for (int frames = 0; frames < MAX_BATCH && running; frames++) {
                    buffer.clear();
                    if (!network.receive(buffer, Duration.ZERO)) {
                        break;
                    }
                    inputOne(buffer.flip());
                }
                long wait;
                lock.lock();
                try {
                    long now = now();
                    engine.poll(now);
                    flush();
                    wait = Math.clamp(engine.nextDeadline() - now, 0, MAX_WAIT_NANOS);
                } finally {
                    lock.unlock();
                }
                buffer.clear();
                if (wait > 0 && network.receive(buffer, Duration.ofNanos(wait))) {
                    inputOne(buffer.flip());
                }
                reportKernelDrops();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = e;
                console.log("direct stack on " + network.name() + " stopped: " + e.getMessage());
                lock.lock();
                try {
                    tcp.wake();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Logs, at most every 10 s, the frames lost at the device since the last report: those the
     * kernel dropped because our receive queue was full (a packet socket counts them) and those
     * the device refused to send (a full transmit queue). Each is a loss TCP pays for with a
     * timeout, invisible in a capture taken outside the machine.
     */
    private void reportKernelDrops() {
        long at = System.nanoTime();
        if (at - lastDropCheck < 1_000_000_000L) {
            return;
        }
        lastDropCheck = at;
        if (network instanceof dev.morgana.tcpip.netif.PacketSocketNetwork socket) {
            long dropped = socket.receiveDrops();
            kernelDrops += dropped;
            unreportedDrops += dropped;
        }
        long failedSends;
        lock.lock();
        try {
            failedSends = sendErrors - reportedSendErrors;
        } finally {
            lock.unlock();
        }
        if ((unreportedDrops > 0 || failedSends > 0) && at - lastDropReport >= 10_000_000_000L) {
            lastDropReport = at;
            reportedSendErrors += failedSends;
            console.log("direct stack: " + unreportedDrops + " received frames dropped by the kernel (receive queue full, "
                    + kernelDrops + " in all), " + failedSends + " frames the device would not send (" + reportedSendErrors + " in all)");
            unreportedDrops = 0;
        }
    }

    /** Hands one received frame to the engine and sends what it answers. */
    private void inputOne(ByteBuffer frame) {
        lock.lock();
        try {
            engine.input(frame, now());
            flush();
        } catch (RuntimeException e) {
            // A bug reached by one frame must not stop the stack for every other one.
            if (internalErrors++ == 0) {
                console.log("direct stack: internal error on a received frame (counted, frame dropped): " + e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void flush() {
        tcp.wake();
        for (byte[] frame = engine.nextFrame(); frame != null; frame = engine.nextFrame()) {
            try {
                network.send(ByteBuffer.wrap(frame));
            } catch (IOException e) {
                sendErrors++;
            }
        }
    }

    /** Runs {@code action} on the engine under the lock with the current time, then sends what it queued. */
    private <T> T call(java.util.function.LongFunction<T> action) {
        lock.lock();
        try {
            T result = action.apply(now());
            flush();
            return result;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return "direct-stack";
    }

    /** TCP over the from-scratch engine, with the socket stack's {@link dev.morgana.types.Flow} semantics. */
    @Override
    public Tcpv4 tcpv4() {
        return tcp;
    }

    /** Threads blocked in TCP flows that the stack has woken so far (each only when its wait was over). */
    long tcpWakeups() {
        return tcp.wakeups();
    }

    /** TCP connections the engine holds in any state (TIME_WAIT included), for leak checks. */
    public int tcpConnections() {
        return call(now -> engine.tcp().connectionCount());
    }

    @Override
    public Udpv4 udpv4() {
        return udp;
    }

    @Override
    public List<Ipv4Address> addresses() {
        return call(now -> List.of(engine.ipv4().config().address()));
    }

    /** The current configuration (static or leased). */
    public Ipv4Config config() {
        return call(now -> engine.ipv4().config());
    }

    /** A snapshot of every layer's counters. */
    public StackStats stats() {
        return call(now -> engine.stats(sendErrors, internalErrors));
    }

    /**
     * Sends one ICMP echo request and waits for its reply.
     *
     * @return the round-trip time, or empty if no reply came within {@code timeout}
     */
    public Optional<Duration> ping(Ipv4Address destination, int sequence, Duration timeout) throws InterruptedException {
        CompletableFuture<Long> reply = new CompletableFuture<>();
        int id = nextPingId.getAndIncrement() & 0xffff;
        PingKey key = new PingKey(destination, id, sequence & 0xffff);
        pings.put(key, reply);
        try {
            long sent = call(now -> {
                engine.icmp().ping(destination, id, sequence, ByteBuffer.wrap(PING_DATA), now);
                return now;
            });
            return Optional.of(Duration.ofNanos(reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS) - sent));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pings.remove(key);
        }
    }

    /** Why the event loop stopped, if it did (a network that failed). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops the event loop. The network is not closed: whoever opened it closes it. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            loop.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            tcp.wake(); // flows blocked in TCP calls see the stack stopped
        } finally {
            lock.unlock();
        }
    }

    private final class DirectUdp implements Udpv4 {

        @Override
        public void listen(int port, DatagramHandler handler) throws IOException {
            if (port == StackEngine.DHCP_CLIENT_PORT && engine.dhcp().isPresent()) {
                throw new IOException("UDP port 68 is used by the DHCP client");
            }
            call(now -> {
                engine.udp().listen(port, handler);
                return null;
            });
        }

        @Override
        public void unlisten(int port) {
            call(now -> {
                engine.udp().unlisten(port);
                return null;
            });
        }

        @Override
        public void send(int sourcePort, Ipv4Address destination, int destinationPort, ByteBuffer payload) throws IOException {
            boolean routed = call(now -> engine.udp().send(sourcePort, destination, destinationPort, payload, now));
            payload.position(payload.limit());
            if (!routed) {
                throw new IOException("UDP: no route to " + destination + " (no gateway configured)");
            }
        }
    }
}
