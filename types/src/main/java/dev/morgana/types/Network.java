package dev.morgana.types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * An Ethernet interface: a TAP device, an AF_PACKET socket on a VM's NIC, or a port of an
 * in-memory switch. Frames carry no preamble or FCS.
 *
 * <p>The network stack's event loop owns the device: it calls {@link #receive} with the time
 * left until its next deadline, so a single thread serves both packets and timers. One thread
 * receives; any thread may send.
 */
public interface Network extends Device {

    /** This interface's hardware address. */
    MacAddress mac();

    /** The largest frame payload (IP packet) the link carries, usually 1500. */
    int mtu();

    /** Sends one frame: {@code frame}'s remaining bytes, from destination MAC to payload end. */
    void send(ByteBuffer frame) throws IOException;

    /**
     * Waits at most {@code timeout} for one frame and copies it into {@code dst}, whose
     * position advances past it. A frame larger than {@code dst}'s room is dropped.
     *
     * @return true if a frame was received, false if the timeout passed first
     */
    boolean receive(ByteBuffer dst, Duration timeout) throws IOException;
}
