package dev.morgana.tcpip.arp;

import java.time.Duration;

/**
 * Bounds and timers of the ARP engine.
 *
 * @param entryLifetime how long a learned mapping is trusted
 * @param cacheSize most entries kept; the least recently used is evicted beyond it
 * @param retryInterval time between requests for an unresolved address
 * @param maxRequests requests sent before giving up (pending packets are then dropped)
 * @param maxPendingPerAddress packets queued while an address resolves; older ones are dropped
 * @param maxPendingAddresses addresses being resolved at once; new ones are refused beyond it
 */
public record ArpConfig(Duration entryLifetime, int cacheSize, Duration retryInterval, int maxRequests,
        int maxPendingPerAddress, int maxPendingAddresses) {

    public static final ArpConfig DEFAULT = new ArpConfig(Duration.ofSeconds(60), 512, Duration.ofSeconds(1), 3, 8, 64);

    public ArpConfig {
        if (cacheSize < 1 || maxRequests < 1 || maxPendingPerAddress < 1 || maxPendingAddresses < 1
                || entryLifetime.isNegative() || retryInterval.isNegative() || retryInterval.isZero()) {
            throw new IllegalArgumentException("ARP bounds must be positive: " + this);
        }
    }
}
