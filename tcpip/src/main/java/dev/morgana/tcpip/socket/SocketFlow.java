package dev.morgana.tcpip.socket;

import dev.morgana.types.Flow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A {@link Flow} over a blocking kernel TCP socket. */
final class SocketFlow implements Flow {

    private final SocketChannel channel;
    private final String remote;

    SocketFlow(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.remote = describe(channel.getRemoteAddress());
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        // A blocking channel returns only when at least one byte arrived, or -1 at EOF.
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
        long remaining = 0;
        for (ByteBuffer src : srcs) {
            remaining += src.remaining();
        }
        while (remaining > 0) {
            remaining -= channel.write(srcs);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a socket whose peer vanished can fail; the descriptor is released anyway.
        }
    }

    @Override
    public String remote() {
        return remote;
    }
}
