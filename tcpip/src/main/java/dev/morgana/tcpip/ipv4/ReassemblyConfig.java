package dev.morgana.tcpip.ipv4;

import java.time.Duration;

/**
 * Bounds of IPv4 fragment reassembly, so fragments cannot exhaust memory.
 *
 * @param maxDatagrams datagrams being reassembled at once; the oldest is dropped beyond it
 * @param maxFragments fragments held for one datagram; more drop the datagram
 * @param maxBytes payload bytes held over all datagrams; the oldest datagrams are dropped beyond it
 * @param timeout time after a datagram's first fragment before it is given up
 */
public record ReassemblyConfig(int maxDatagrams, int maxFragments, int maxBytes, Duration timeout) {

    public static final ReassemblyConfig DEFAULT = new ReassemblyConfig(16, 64, 256 * 1024, Duration.ofSeconds(30));

    public ReassemblyConfig {
        if (maxDatagrams < 1 || maxFragments < 1 || maxBytes < 65535 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("reassembly bounds too small: " + this);
        }
    }
}
