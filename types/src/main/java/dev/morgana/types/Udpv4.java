package dev.morgana.types;

import java.io.IOException;
import java.nio.ByteBuffer;

/** UDP over IPv4. Datagrams may be empty. Thread-safe. */
public interface Udpv4 {

    /** Receives datagrams for one port. Called on the stack's own thread: return quickly. */
    @FunctionalInterface
    interface DatagramHandler {
        void receive(Ipv4Address source, int sourcePort, int destinationPort, ByteBuffer payload);
    }

    /** Delivers datagrams sent to {@code port} to {@code handler}; replaces an earlier handler. */
    void listen(int port, DatagramHandler handler) throws IOException;

    /** Stops delivering datagrams for {@code port}. */
    void unlisten(int port);

    /** Sends {@code payload}'s remaining bytes as one datagram. */
    void send(int sourcePort, Ipv4Address destination, int destinationPort, ByteBuffer payload) throws IOException;
}
