package dev.morgana.tls;

import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Kernel sockets on 127.0.0.1, one virtual thread per connection, as {@link Tcpv4} requires. */
final class LoopbackTcpv4 implements Tcpv4 {

    /** Handler failures seen, so tests can assert that nothing unexpected was thrown. */
    final Set<Throwable> handlerErrors = ConcurrentHashMap.newKeySet();

    @Override
    public Listener listen(int port, FlowHandler handler) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Set<Flow> open = ConcurrentHashMap.newKeySet();
        Thread acceptor = Thread.ofVirtual().name("loopback-accept").start(() -> {
            while (server.isOpen()) {
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (Flow flow = new SocketChannelFlow(channel)) {
                        open.add(flow);
                        handler.handle(flow);
                    } catch (Exception e) {
                        handlerErrors.add(e);
                    } finally {
                        try {
                            channel.close();
                        } catch (IOException ignored) {
                            // already closing
                        }
                    }
                });
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
                } catch (IOException ignored) {
                    // nothing to do
                }
                acceptor.interrupt();
                open.forEach(Flow::close);
            }
        };
    }

    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        return new SocketChannelFlow(SocketChannel.open(new InetSocketAddress(address.toString(), port)));
    }
}
