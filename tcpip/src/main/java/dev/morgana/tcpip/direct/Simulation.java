package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.VirtualClock;
import dev.morgana.types.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs several {@link StackEngine}s over a {@link MemorySwitch} in one thread under a
 * {@link VirtualClock}: time jumps straight to the next frame delivery or timer, so a run is fast
 * and, given the switch's seed, exactly reproducible.
 */
public final class Simulation {

    private record Host(StackEngine engine, Network port) {}

    /** Steps after which a run gives up, so a livelock cannot hang a test. */
    private static final int MAX_STEPS = 1_000_000;

    private final VirtualClock clock;
    private final MemorySwitch network;
    private final List<Host> hosts = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65600);
    private BooleanSupplier application = () -> false;

    public Simulation(VirtualClock clock, MemorySwitch network) {
        this.clock = clock;
        this.network = network;
    }

    /** Connects {@code engine} to a new port of the switch and starts it. */
    public StackEngine add(StackEngine engine) {
        Network port = network.connect(engine.ethif().mac());
        hosts.add(new Host(engine, port));
        engine.start(clock.monotonicNanos());
        flush(hosts.getLast());
        return engine;
    }

    /**
     * Runs {@code app} at every step, before the engines are polled, so a test can play the
     * applications (read, write, close) in the same thread; it returns whether it did anything.
     */
    public void application(BooleanSupplier app) {
        this.application = app;
    }

    public long now() {
        return clock.monotonicNanos();
    }

    /** Runs for {@code duration} of virtual time. */
    public void runFor(Duration duration) {
        long end = clock.monotonicNanos() + duration.toNanos();
        runUntil(() -> false, end);
    }

    /**
     * Runs until {@code done} holds or {@code limit} of virtual time passes.
     *
     * @return whether {@code done} became true
     */
    public boolean runUntil(BooleanSupplier done, Duration limit) {
        return runUntil(done, clock.monotonicNanos() + limit.toNanos());
    }

    private boolean runUntil(BooleanSupplier done, long end) {
        for (int step = 0; step < MAX_STEPS; step++) {
            deliverAndPoll();
            if (done.getAsBoolean()) {
                return true;
            }
            long next = network.nextDelivery();
            for (Host h : hosts) {
                next = Math.min(next, h.engine.nextDeadline());
            }
            if (next > end) {
                clock.advanceTo(end);
                deliverAndPoll();
                return done.getAsBoolean();
            }
            clock.advanceTo(next);
        }
        throw new IllegalStateException("simulation did not settle within " + MAX_STEPS + " steps");
    }

    private void deliverAndPoll() {
        boolean progress = true;
        // Bounded: each round drains frames due now; engines answer with frames due later or now.
        for (int round = 0; progress && round < 10_000; round++) {
            progress = application.getAsBoolean();
            long now = clock.monotonicNanos();
            for (Host h : hosts) {
                h.engine.poll(now);
                flush(h);
                buffer.clear();
                try {
                    while (h.port.receive(buffer, Duration.ZERO)) {
                        progress = true;
                        buffer.flip();
                        h.engine.input(buffer, now);
                        flush(h);
                        buffer.clear();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static void flush(Host h) {
        try {
            for (byte[] f = h.engine.nextFrame(); f != null; f = h.engine.nextFrame()) {
                h.port.send(ByteBuffer.wrap(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
