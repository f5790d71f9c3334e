package dev.morgana.types;

import java.io.IOException;

/**
 * TCP over IPv4, with {@link Flow} semantics identical on every stack.
 *
 * <p>Each accepted connection runs its handler on a fresh virtual thread; the flow is closed
 * when the handler returns or throws. Thread-safe.
 */
public interface Tcpv4 {

    /** Handles one accepted connection. */
    @FunctionalInterface
    interface FlowHandler {
        void handle(Flow flow) throws Exception;
    }

    /** A listening port; closing it stops accepting (established flows carry on). */
    interface Listener extends AutoCloseable {
        /** The port actually bound (useful when 0 was asked for). */
        int port();

        @Override
        void close();
    }

    /**
     * Starts accepting connections on {@code port} (0 picks a free one). Returns once the port is
     * bound. Fails with an {@link IOException} naming the port if it cannot be bound.
     */
    Listener listen(int port, FlowHandler handler) throws IOException;

    /** Opens a connection, blocking until it is established or fails. */
    Flow connect(Ipv4Address address, int port) throws IOException;
}
