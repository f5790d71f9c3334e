package dev.morgana.tls;

import dev.morgana.types.Flow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A kernel TCP connection as a {@link Flow}: the test stand-in for the production socket stack. */
final class SocketChannelFlow implements Flow {

    private final SocketChannel channel;
    private final String remote;

    SocketChannelFlow(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.remote = String.valueOf(channel.getRemoteAddress());
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
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    @Override
    public String remote() {
        return remote;
    }
}
