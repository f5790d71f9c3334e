package dev.morgana.types;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Runs an appliance's jobs and shuts it down cleanly; called by every generated {@code Main}.
 *
 * <p>Each job runs on its own thread. On SIGTERM or SIGINT (or a VM's shutdown) the jobs are
 * interrupted, the devices closed in reverse order of construction, and the process exits with
 * status 0. If a job fails, the appliance stops with exit status 1; when every job has
 * returned, it exits with 0.
 */
public final class JobRunner {

    private static final long SHUTDOWN_GRACE_MILLIS = 5_000;

    /** The default end of a stop: a clean stop halts with 0; a failed one lets the JVM exit as it was. */
    private static final IntConsumer HALT_ON_SUCCESS = status -> {
        if (status == 0) {
            Runtime.getRuntime().halt(0);
        }
    };
    private static volatile IntConsumer onStopped = HALT_ON_SUCCESS;

    private JobRunner() {}

    /**
     * Replaces what happens once a stop has finished (jobs interrupted, devices closed): by default
     * a clean stop halts the JVM with status 0 and a failed one (a job failed) lets the JVM exit
     * with its own status. A VM's init, which is PID 1 and must not exit, sets an action that
     * powers the machine off instead. The action receives 0 for a clean stop and 1 after a
     * failure; if it returns, the JVM ends as it would have without it.
     *
     * @param action run at the end of every stop (on the shutdown thread) and when the appliance cannot
     *        start ({@link #failStart}); null restores the default
     */
    public static void onStopped(IntConsumer action) {
        onStopped = action == null ? HALT_ON_SUCCESS : action;
    }

    /**
     * Runs {@code jobs} until they end or the process is asked to stop.
     *
     * @param name the appliance's name, for log lines
     * @param console where start, failure and stop are logged
     * @param jobs the registered jobs
     * @param devices every device, in construction order
     */
    public static void run(String name, Console console, List<Job> jobs, List<? extends AutoCloseable> devices) {
        List<Thread> threads = new ArrayList<>();
        int[] failures = {0};
        Thread hook = new Thread(() -> {
            console.log(name + ": stopping");
            threads.forEach(Thread::interrupt);
            joinAll(threads, SHUTDOWN_GRACE_MILLIS);
            closeAll(devices, console);
            boolean failed;
            synchronized (failures) {
                failed = failures[0] > 0;
            }
            // Asked to stop (SIGTERM, Ctrl-C) and stopped cleanly: that is success, not 143.
            onStopped.accept(failed ? 1 : 0);
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        for (Job job : jobs) {
            threads.add(Thread.ofPlatform().name(name + "-job").start(() -> {
                try {
                    job.run();
                } catch (InterruptedException e) {
                    // asked to stop: the shutdown hook does the rest
                } catch (Exception e) {
                    console.log(name + ": " + describe(e));
                    synchronized (failures) {
                        failures[0]++;
                    }
                }
            }));
        }
        joinAll(threads, Long.MAX_VALUE);
        if (failures[0] > 0) {
            // Runs the hook, which closes the devices, then exits with a failure status.
            System.exit(1);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException stopping) {
            return; // the jobs ended because the process is stopping: the hook closes the devices
        }
        closeAll(devices, console);
    }

    /**
     * Reports a failure to construct the appliance and exits with status 1 (after the
     * {@link #onStopped} action, which receives 1).
     */
    public static void failStart(String name, Exception e) {
        System.err.println(name + ": cannot start: " + describe(e));
        System.err.flush();
        onStopped.accept(1);
        System.exit(1);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.toString() : message;
    }

    private static void joinAll(List<Thread> threads, long timeoutMillis) {
        long deadline = timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread thread : threads) {
            try {
                if (deadline == Long.MAX_VALUE) {
                    thread.join();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        thread.join(java.time.Duration.ofNanos(left));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeAll(List<? extends AutoCloseable> devices, Console console) {
        for (int i = devices.size() - 1; i >= 0; i--) {
            try {
                devices.get(i).close();
            } catch (Exception e) {
                console.log("closing " + devices.get(i) + " failed: " + describe(e));
            }
        }
    }
}
