package dev.morgana.tls;

import dev.morgana.types.Flow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/** An in-memory transport: reads return a fixed script in small pieces, then end of stream; writes are kept. */
final class ScriptedFlow implements Flow {
    private final byte[] input;
    private final int piece;
    private int position;
    private boolean closed;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    ScriptedFlow(byte[] input, int piece) {
        this.input = input;
        this.piece = piece;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (position == input.length) {
            return -1;
        }
        int n = Math.min(Math.min(piece, dst.remaining()), input.length - position);
        dst.put(input, position, n);
        position += n;
        return n;
    }

    @Override
    public synchronized void write(ByteBuffer src) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        written.writeBytes(bytes);
    }

    @Override
    public void shutdownOutput() {}

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public String remote() {
        return "scripted";
    }
}
