package dev.morgana.http;

import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.SelectableTcpv4;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A test-only {@link Tcpv4} on kernel loopback sockets, a virtual thread per connection; as a
 * {@link SelectableTcpv4} it also lets {@link Http1Server} run its selector loops.
 */
final class NioTcp implements SelectableTcpv4 {

    /** A {@link Flow} over a blocking {@link SocketChannel}. */
    static final class SocketFlow implements Flow {
        private final SocketChannel channel;
        private final String remote;

        SocketFlow(SocketChannel channel) throws IOException {
            this.channel = channel;
            InetSocketAddress a = (InetSocketAddress) channel.getRemoteAddress();
            this.remote = a.getAddress().getHostAddress() + ":" + a.getPort();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        }

        @Override
        public void writev(ByteBuffer... srcs) throws IOException {
            long left = 0;
            for (ByteBuffer b : srcs) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= channel.write(srcs);
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }

        @Override
        public String remote() {
            return remote;
        }
    }

    @Override
    public Listener listen(int port, FlowHandler handler) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        Thread acceptor = Thread.ofVirtual().name("nio-accept").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (SocketFlow flow = new SocketFlow(ch)) {
                            handler.handle(flow);
                        } catch (Exception e) {
                            // the connection ends either way
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        int bound = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return new Listener() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() {
                try {
                    server.close();
                } catch (IOException e) {
                    // already closed
                }
                acceptor.interrupt();
            }
        };
    }

    @Override
    public ServerSocketChannel bind(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        return server;
    }

    @Override
    public Flow adopt(SocketChannel channel) throws IOException {
        return new SocketFlow(channel);
    }

    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        return new SocketFlow(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }
}
