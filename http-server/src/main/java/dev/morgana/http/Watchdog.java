package dev.morgana.http;

import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces connection deadlines outside the sans-IO parser: one virtual thread wakes every
 * {@code tick} and closes each flow whose deadline has passed, which makes the connection's
 * blocked read or write fail. Deadlines come from the injected clock's monotonic time.
 */
final class Watchdog implements AutoCloseable {

    /** The deadline of one connection; armed before each blocking step. */
    final class Timer implements AutoCloseable {
        private final Flow flow;
        private volatile long deadline = Long.MAX_VALUE;
        private volatile boolean fired;

        private Timer(Flow flow) {
            this.flow = flow;
        }

        /** Closes the flow if it is still armed {@code timeout} from now. */
        void arm(Duration timeout) {
            deadline = clock.monotonicNanos() + timeout.toNanos();
        }

        void disarm() {
            deadline = Long.MAX_VALUE;
        }

        /** True if this timer closed its flow. */
        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            timers.remove(this);
        }
    }

    private final Clock clock;
    private final Duration tick;
    private final Set<Timer> timers = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    Watchdog(Clock clock, Duration tick) {
        this.clock = clock;
        this.tick = tick;
        this.thread = Thread.ofVirtual().name("http-watchdog").start(this::watch);
    }

    /** A disarmed timer for {@code flow}; close it when the connection ends. */
    Timer timer(Flow flow) {
        Timer t = new Timer(flow);
        timers.add(t);
        return t;
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = clock.monotonicNanos();
            for (Timer t : timers) {
                if (now - t.deadline >= 0 && t.deadline != Long.MAX_VALUE) {
                    t.fired = true;
                    timers.remove(t);
                    t.flow.close();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
