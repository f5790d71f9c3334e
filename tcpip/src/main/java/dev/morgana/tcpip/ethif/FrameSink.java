package dev.morgana.tcpip.ethif;

/**
 * Where a sans-IO engine puts the frames it wants sent. The runtime that owns the engine drains
 * them to a {@link dev.morgana.types.Network} after each step; engines never do I/O themselves.
 */
@FunctionalInterface
public interface FrameSink {

    /** Queues one complete Ethernet frame; the sink owns the array afterwards. */
    void transmit(byte[] frame);
}
