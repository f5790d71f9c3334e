package dev.morgana.xen.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples the guest's memory every few seconds while the appliance runs, so the console can say
 * at power-off how close the guest came to running out: the lowest MemAvailable and the highest
 * anonymous memory of the JVM (RssAnon: heap, metaspace, code, stacks, malloc). The VM has no
 * swap, so these two are what decide whether a guest size is enough. Every
 * {@link #REPORT_PERIOD_MILLIS} it also prints one console line with the current figures and the
 * major page faults since the last line (pages read back from the root image after the kernel
 * dropped them): a guest that thrashes or stalls shows there even if it never powers off.
 */
final class MemoryWatch {

    private static final long PERIOD_MILLIS = 2_000;
    /** How often a line of figures goes to the console. */
    static final long REPORT_PERIOD_MILLIS = 20_000;

    private static volatile long lowestAvailableKb = Long.MAX_VALUE;
    private static volatile long highestAnonKb;
    private static long lastMajorFaults = -1;

    private MemoryWatch() {}

    /** Starts sampling on a daemon thread; the first sample is taken now. */
    static void start() {
        sample();
        Thread.ofPlatform().daemon().name("morgana-memory-watch").start(() -> {
            long nextReport = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                sample();
                if (System.nanoTime() - nextReport >= 0) {
                    nextReport = System.nanoTime() + REPORT_PERIOD_MILLIS * 1_000_000;
                    Init.log(report());
                }
            }
        });
    }

    /** "lowest MemAvailable N kB, highest JVM RssAnon M kB", or empty if nothing was sampled. */
    static String summary() {
        sample();
        return lowestAvailableKb == Long.MAX_VALUE ? ""
                : "lowest MemAvailable " + lowestAvailableKb + " kB, highest JVM RssAnon " + highestAnonKb + " kB";
    }

    /**
     * "memory at uptime U s: MemAvailable N kB, Cached C kB, JVM RssAnon A kB (heap H kB), RssFile R kB,
     * threads T, major faults F (+D)": the figures now (H the heap's committed size, R the JVM's
     * resident file pages: libjvm.so, the module image, the mapped crunch store), D being the major
     * faults since the previous report.
     */
    static synchronized String report() {
        String meminfo = read("/proc/meminfo");
        long faults = parse(read("/proc/vmstat"), "pgmajfault ");
        long delta = lastMajorFaults < 0 || faults < 0 ? 0 : faults - lastMajorFaults;
        lastMajorFaults = faults;
        String status = read("/proc/self/status");
        return "memory at uptime " + Init.uptime() + " s: MemAvailable " + parse(meminfo, "MemAvailable:")
                + " kB, Cached " + parse(meminfo, "Cached:") + " kB, JVM RssAnon " + parse(status, "RssAnon:")
                + " kB (heap " + Runtime.getRuntime().totalMemory() / 1024 + " kB), RssFile " + parse(status, "RssFile:")
                + " kB, threads " + parse(status, "Threads:") + ", major faults " + faults + " (+" + delta + ")";
    }

    private static synchronized void sample() {
        long available = kilobytes("/proc/meminfo", "MemAvailable:");
        long anon = kilobytes("/proc/self/status", "RssAnon:");
        if (available >= 0) {
            lowestAvailableKb = Math.min(lowestAvailableKb, available);
        }
        highestAnonKb = Math.max(highestAnonKb, anon);
    }

    /** The value of the line starting with {@code key} in a /proc file, in kB; -1 if absent. */
    static long kilobytes(String file, String key) {
        return parse(read(file), key);
    }

    /** The first 16 KiB of a /proc file, or nothing if it cannot be read. */
    private static String read(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readNBytes(16 * 1024), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    static long parse(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                String[] words = line.substring(key.length()).strip().split("\\s+");
                try {
                    return Long.parseLong(words[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
