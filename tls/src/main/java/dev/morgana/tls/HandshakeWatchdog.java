package dev.morgana.tls;

import dev.morgana.types.Clock;
import dev.morgana.types.Time;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes connections whose TLS handshake overran its deadline, so a client that stalls
 * mid-handshake cannot hold a thread forever. Deadlines are read from an injectable clock; one
 * virtual thread (started on first use) checks them every {@code tick}. Tests can instead call
 * {@link #expireDue()} themselves under a virtual clock.
 */
final class HandshakeWatchdog implements AutoCloseable {

    /** A watched handshake; {@link #disarm()} it when the handshake ends, however it ends. */
    final class Alarm {
        private final long deadlineNanos;
        private final Runnable onExpiry;

        private Alarm(long deadlineNanos, Runnable onExpiry) {
            this.deadlineNanos = deadlineNanos;
            this.onExpiry = onExpiry;
        }

        void disarm() {
            alarms.remove(this);
        }
    }

    private final Clock clock;
    private final Time time;
    private final Duration tick;
    private final Set<Alarm> alarms = ConcurrentHashMap.newKeySet();
    private Thread ticker;
    private volatile boolean closed;

    HandshakeWatchdog(Clock clock, Time time, Duration tick) {
        this.clock = clock;
        this.time = time;
        this.tick = tick;
    }

    /** Runs {@code onExpiry} once if the alarm is still armed {@code timeout} from now. */
    Alarm arm(Duration timeout, Runnable onExpiry) {
        Alarm alarm = new Alarm(clock.monotonicNanos() + timeout.toNanos(), onExpiry);
        alarms.add(alarm);
        startTicker();
        return alarm;
    }

    /** Fires and removes every alarm whose deadline has passed; returns how many fired. */
    int expireDue() {
        long now = clock.monotonicNanos();
        int fired = 0;
        for (Alarm alarm : alarms) {
            if (now - alarm.deadlineNanos >= 0 && alarms.remove(alarm)) {
                fired++;
                try {
                    alarm.onExpiry.run();
                } catch (RuntimeException e) {
                    // One misbehaving flow's close must not stop the others' timeouts.
                }
            }
        }
        return fired;
    }

    /** The number of handshakes being watched. */
    int armed() {
        return alarms.size();
    }

    private synchronized void startTicker() {
        if (ticker != null || closed || tick.isZero()) {
            return;
        }
        ticker = Thread.ofVirtual().name("tls-handshake-watchdog").start(() -> {
            while (!closed) {
                try {
                    time.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                expireDue();
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
