package dev.morgana.tcpip.netif;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes Ethernet frames to a pcap file (the classic libpcap format with nanosecond timestamps,
 * link type 1) that tshark and Wireshark read. Each record is flushed, so the file can be read
 * while the stack runs and survives a crash. Thread-safe.
 */
public final class PcapWriter implements AutoCloseable {

    private static final int MAGIC_NANOS = 0xa1b23c4d;
    /** Default capture length: whole frames, GSO super-frames included. */
    public static final int WHOLE_FRAMES = 262144;
    private static final int LINKTYPE_ETHERNET = 1;

    private final OutputStream out;
    private final int snaplen;

    /** A writer that keeps whole frames. */
    public PcapWriter(Path file) throws IOException {
        this(file, WHOLE_FRAMES);
    }

    /**
     * A writer that keeps at most the first {@code snaplen} bytes of each frame (128 keeps every
     * header of a TCP segment and drops its payload, for long transfers).
     */
    public PcapWriter(Path file, int snaplen) throws IOException {
        if (snaplen < 64 || snaplen > WHOLE_FRAMES) {
            throw new IllegalArgumentException("pcap snaplen " + snaplen + " (64.." + WHOLE_FRAMES + ")");
        }
        this.snaplen = snaplen;
        this.out = new BufferedOutputStream(Files.newOutputStream(file));
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen).putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
        out.flush();
    }

    /** Appends {@code frame}'s bytes between position and limit (the buffer is not changed). */
    public synchronized void write(Instant time, ByteBuffer frame) throws IOException {
        int len = frame.remaining();
        int captured = Math.min(len, snaplen);
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) time.getEpochSecond()).putInt(time.getNano()).putInt(captured).putInt(len);
        out.write(record.array());
        byte[] bytes = new byte[captured];
        frame.get(frame.position(), bytes);
        out.write(bytes);
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
