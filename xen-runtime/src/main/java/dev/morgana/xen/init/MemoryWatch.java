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
 * swap, so these two are what decide whether a guest size is enough.
 */
final class MemoryWatch {

    private static final long PERIOD_MILLIS = 2_000;

    private static volatile long lowestAvailableKb = Long.MAX_VALUE;
    private static volatile long highestAnonKb;

    private MemoryWatch() {}

    /** Starts sampling on a daemon thread; the first sample is taken now. */
    static void start() {
        sample();
        Thread.ofPlatform().daemon().name("morgana-memory-watch").start(() -> {
            while (true) {
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                sample();
            }
        });
    }

    /** "lowest MemAvailable N kB, highest JVM RssAnon M kB", or empty if nothing was sampled. */
    static String summary() {
        sample();
        return lowestAvailableKb == Long.MAX_VALUE ? ""
                : "lowest MemAvailable " + lowestAvailableKb + " kB, highest JVM RssAnon " + highestAnonKb + " kB";
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
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return parse(new String(in.readNBytes(16 * 1024), StandardCharsets.US_ASCII), key);
        } catch (IOException e) {
            return -1;
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
