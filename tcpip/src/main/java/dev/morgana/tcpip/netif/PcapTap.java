package dev.morgana.tcpip.netif;

import dev.morgana.types.Clock;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link Network} that records every frame sent and received through another one into a pcap
 * file. Switched on by configuration (for example key {@code PCAP=/tmp/stack.pcap}) with
 * {@link #wrapIfRequested}. Closing it closes the file and the wrapped network.
 */
public final class PcapTap implements Network {

    private final Network inner;
    private final PcapWriter writer;
    private final Clock clock;

    private PcapTap(Network inner, PcapWriter writer, Clock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
    }

    /** Records {@code inner}'s traffic into {@code file}, time-stamped by the system clock. */
    public static PcapTap wrap(Network inner, Path file) throws IOException {
        return wrap(inner, file, Clock.system());
    }

    /** Records {@code inner}'s traffic into {@code file}, time-stamped by {@code clock}. */
    public static PcapTap wrap(Network inner, Path file, Clock clock) throws IOException {
        return new PcapTap(inner, new PcapWriter(file), clock);
    }

    /** Records only the first {@code snaplen} bytes of each frame of {@code inner} into {@code file}. */
    public static PcapTap wrap(Network inner, Path file, int snaplen) throws IOException {
        return new PcapTap(inner, new PcapWriter(file, snaplen), Clock.system());
    }

    /**
     * {@code inner} itself when {@code pcapKey} (the PCAP key's value) is null or blank, else
     * {@code inner} recorded into that file.
     *
     * @throws UncheckedIOException naming the file if it cannot be created
     */
    public static Network wrapIfRequested(Network inner, String pcapKey) {
        if (pcapKey == null || pcapKey.isBlank()) {
            return inner;
        }
        try {
            return wrap(inner, Path.of(pcapKey));
        } catch (IOException e) {
            throw new UncheckedIOException("PCAP: cannot create capture file " + pcapKey + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "pcap(" + inner.name() + ")";
    }

    @Override
    public MacAddress mac() {
        return inner.mac();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void send(ByteBuffer frame) throws IOException {
        writer.write(clock.now(), frame);
        inner.send(frame);
    }

    @Override
    public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
        int start = dst.position();
        boolean got = inner.receive(dst, timeout);
        if (got) {
            writer.write(clock.now(), dst.duplicate().flip().position(start));
        }
        return got;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            // Nothing more to record; the wrapped network must still be released.
        }
        inner.close();
    }
}
