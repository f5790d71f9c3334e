package dev.morgana.tcpip.socket;

import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Udpv4;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** UDP over kernel datagram sockets: one receiving thread per listened port. */
final class SocketUdpv4 implements Udpv4 {

    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;

    private final Console console;
    private final InetAddress bindAddress;
    private final Map<Integer, DatagramChannel> bound = new ConcurrentHashMap<>();

    SocketUdpv4(Console console, InetAddress bindAddress) {
        this.console = console;
        this.bindAddress = bindAddress;
    }

    @Override
    public synchronized void listen(int port, DatagramHandler handler) throws IOException {
        unlisten(port);
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on UDP port " + port + ": " + e.getMessage(), e);
        }
        bound.put(port, channel);
        Thread.ofPlatform().daemon().name("udp-" + port).start(() -> receiveLoop(port, channel, handler));
    }

    private void receiveLoop(int port, DatagramChannel channel, DatagramHandler handler) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                console.log("udp: receive on port " + port + " failed: " + e.getMessage());
                return;
            }
            if (!(from.getAddress() instanceof Inet4Address v4)) {
                continue;
            }
            buffer.flip();
            try {
                handler.receive(Ipv4Address.of(v4.getAddress()), from.getPort(), port, buffer.asReadOnlyBuffer());
            } catch (RuntimeException e) {
                console.log("udp: handler for port " + port + " failed: " + e);
            }
        }
    }

    @Override
    public synchronized void unlisten(int port) {
        DatagramChannel channel = bound.remove(port);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // released either way
            }
        }
    }

    @Override
    public void send(int sourcePort, Ipv4Address destination, int destinationPort, ByteBuffer payload) throws IOException {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByAddress(destination.toBytes()), destinationPort);
        DatagramChannel listening = bound.get(sourcePort);
        if (listening != null) {
            listening.send(payload, to);
            return;
        }
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.bind(new InetSocketAddress(bindAddress, sourcePort));
            channel.send(payload, to);
        }
    }

    void closeAll() {
        bound.keySet().forEach(this::unlisten);
    }
}
