package dev.morgana.tcpip.socket;

import dev.morgana.types.AcceptLoop;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.SelectableTcpv4;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TCP over kernel sockets: an accept loop per listener, a virtual thread per connection; or,
 * through {@link SelectableTcpv4}, the listening channel itself for a server's selector loops.
 */
final class SocketTcpv4 implements SelectableTcpv4 {
    private static final int BACKLOG = 1024;
    /** How long closing a listener waits for its accept loop to let go of the descriptor. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Console console;
    private final InetAddress bindAddress;
    private final Set<SocketListener> listeners = ConcurrentHashMap.newKeySet();
    /** Channels handed out by {@link #bind}, closed with the stack. */
    private final Set<ServerSocketChannel> bound = ConcurrentHashMap.newKeySet();

    SocketTcpv4(Console console, InetAddress bindAddress) {
        this.console = console;
        this.bindAddress = bindAddress;
    }

    @Override
    public Listener listen(int port, FlowHandler handler) throws IOException {
        ServerSocketChannel server = open(port);
        SocketListener listener = new SocketListener(server, handler);
        listeners.add(listener);
        listener.acceptThread = Thread.ofVirtual().name("tcp-accept-" + listener.port()).start(listener::acceptLoop);
        return listener;
    }

    @Override
    public ServerSocketChannel bind(int port) throws IOException {
        ServerSocketChannel server = open(port);
        bound.removeIf(c -> !c.isOpen()); // those their servers already closed
        bound.add(server);
        return server;
    }

    @Override
    public Flow adopt(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new SocketFlow(channel);
    }

    private ServerSocketChannel open(int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TCP port out of range: " + port);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bindAddress, port), BACKLOG);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on TCP " + bindAddress.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        return server;
    }

    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(InetAddress.getByAddress(address.toBytes()), port));
            return new SocketFlow(channel);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    void closeAll() {
        listeners.forEach(SocketListener::close);
        for (ServerSocketChannel server : bound) {
            bound.remove(server);
            try {
                server.close();
            } catch (IOException ignored) {
                // the port is released either way
            }
        }
    }

    private final class SocketListener implements Listener {
        private final ServerSocketChannel server;
        private final FlowHandler handler;
        private final int port;
        private volatile Thread acceptThread;

        SocketListener(ServerSocketChannel server, FlowHandler handler) throws IOException {
            this.server = server;
            this.handler = handler;
            this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        void acceptLoop() {
            AcceptLoop.run(server, console::log, "tcp: accept on port " + port,
                    channel -> Thread.ofVirtual().name("tcp-" + port + "-conn").start(() -> serve(channel)));
        }

        private void serve(SocketChannel channel) {
            try (Flow flow = openFlow(channel)) {
                if (flow != null) {
                    handler.handle(flow);
                }
            } catch (Exception e) {
                console.log("tcp: connection handler on port " + port + " failed: " + e);
            }
        }

        private Flow openFlow(SocketChannel channel) {
            try {
                return adopt(channel);
            } catch (IOException e) {
                // The peer left before we looked at it: nothing to serve.
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already gone
                }
                return null;
            }
        }

        @Override
        public int port() {
            return port;
        }

        /** Stops listening: once this returns, the port refuses connections. */
        @Override
        public void close() {
            listeners.remove(this);
            try {
                server.close();
            } catch (IOException ignored) {
                // the port is released either way
            }
            // With a thread blocked in accept, the JDK defers the descriptor's real close until
            // that thread leaves accept; until then the kernel still completes handshakes.
            Thread accepting = acceptThread;
            if (accepting != null && accepting != Thread.currentThread()) {
                try {
                    accepting.join(CLOSE_WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
