package dev.morgana.types;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * An optional capability of a {@link Tcpv4} on kernel sockets: it hands out the listening
 * channel itself, so that a server can run its own selector loops (a few threads, every
 * connection registered for readiness) instead of a virtual thread blocked per connection.
 * Servers test for it with {@code instanceof} and otherwise use {@link Tcpv4#listen}; stacks
 * without kernel sockets (the from-scratch stack, TLS) simply do not implement it.
 */
public interface SelectableTcpv4 extends Tcpv4 {

    /**
     * Binds {@code port} (0 picks a free one) and returns the listening channel in blocking
     * mode. The caller accepts on it and closes it; the stack also closes it when it is closed.
     *
     * @throws IOException naming the port if it cannot be bound
     */
    ServerSocketChannel bind(int port) throws IOException;

    /**
     * Wraps a connection accepted from {@link #bind}'s channel, already switched back to
     * blocking mode, as a {@link Flow} with this stack's semantics; closing the flow closes it.
     */
    Flow adopt(SocketChannel channel) throws IOException;
}
