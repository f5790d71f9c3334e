package dev.morgana.tcpip.icmp;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.wire.IcmpMessage;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * ICMPv4 (RFC 792, RFC 1122 3.2.2), sans-IO: answers echo requests, reports echo replies to a
 * listener, sends pings, and sends destination-unreachable errors through a token bucket so a
 * flood of packets to closed ports cannot make us flood in turn.
 */
public final class Icmp implements Ipv4.Transport {

    /** Receives echo replies (answers to {@link #ping}). */
    @FunctionalInterface
    public interface EchoListener {
        void reply(Ipv4Address source, int identifier, int sequence, ByteBuffer data, long now);
    }

    /** Errors allowed in a burst, and one more per this many nanoseconds (Linux: 1 per ms, burst 50). */
    private static final int ERROR_BURST = 10;
    private static final long ERROR_REFILL_NANOS = 100_000_000L;

    private final Ipv4 ipv4;
    private EchoListener echoListener = (s, i, q, d, n) -> {};
    private double errorTokens = ERROR_BURST;
    private long lastRefill;
    private long received;
    private long malformed;
    private long echoesAnswered;
    private long errorsSent;
    private long errorsRateLimited;

    public Icmp(Ipv4 ipv4) {
        this.ipv4 = ipv4;
        ipv4.register(Ipv4Packet.PROTOCOL_ICMP, this);
    }

    public void onEchoReply(EchoListener listener) {
        this.echoListener = listener;
    }

    @Override
    public void input(Ipv4Packet packet, long now) {
        received++;
        IcmpMessage message;
        try {
            message = IcmpMessage.parse(packet.payload());
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        switch (message.type()) {
            case IcmpMessage.ECHO_REQUEST -> {
                // No answers to broadcast pings (RFC 1122 3.2.2.6 allows silence; avoids smurf amplification).
                if (ipv4.isBroadcast(packet.destination()) || !ipv4.config().configured()) {
                    return;
                }
                echoesAnswered++;
                send(packet.source(), IcmpMessage.ECHO_REPLY, 0, message.rest(), message.data(), now);
            }
            case IcmpMessage.ECHO_REPLY -> echoListener.reply(packet.source(), message.identifier(), message.sequence(), message.data(), now);
            default -> {
                // Errors and others: nothing to do until TCP wants path-MTU and unreachable reports.
            }
        }
    }

    /** Sends an echo request carrying {@code data}. */
    public void ping(Ipv4Address destination, int identifier, int sequence, ByteBuffer data, long now) {
        send(destination, IcmpMessage.ECHO_REQUEST, 0, (identifier & 0xffff) << 16 | (sequence & 0xffff), data, now);
    }

    /**
     * Reports that {@code original} could not be delivered (code 3: port, 2: protocol unreachable),
     * unless RFC 1122 forbids an error for it or the rate limit is exhausted.
     */
    public void destinationUnreachable(Ipv4Packet original, int code, long now) {
        if (ipv4.isBroadcast(original.destination()) || original.fragmentOffset() != 0 || !ipv4.config().configured()) {
            return;
        }
        int src = original.source().bits();
        if (src == 0 || (src >>> 28) == 0xe) {
            return;
        }
        if (original.protocol() == Ipv4Packet.PROTOCOL_ICMP) {
            try {
                if (IcmpMessage.parse(original.payload()).isError()) {
                    return;
                }
            } catch (MalformedPacketException e) {
                return;
            }
        }
        refill(now);
        if (errorTokens < 1) {
            errorsRateLimited++;
            return;
        }
        errorTokens--;
        errorsSent++;
        ByteBuffer p = original.packet();
        // The offending header and the first 8 bytes of its payload (RFC 792).
        int quoted = Math.min(p.remaining(), original.headerLength() + 8);
        send(original.source(), IcmpMessage.DESTINATION_UNREACHABLE, code, 0, p.slice(p.position(), quoted), now);
    }

    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            errorTokens = Math.min(ERROR_BURST, errorTokens + (double) elapsed / ERROR_REFILL_NANOS);
            lastRefill = now;
        }
    }

    private void send(Ipv4Address destination, int type, int code, int rest, ByteBuffer data, long now) {
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + IcmpMessage.HEADER_LENGTH + data.remaining()];
        IcmpMessage.write(frame, Ipv4.PAYLOAD_OFFSET, type, code, rest, data);
        ipv4.send(destination, Ipv4Packet.PROTOCOL_ICMP, frame, now);
    }

    public IcmpStats stats() {
        return new IcmpStats(received, malformed, echoesAnswered, errorsSent, errorsRateLimited);
    }

    /** Counters of the ICMP layer. */
    public record IcmpStats(long received, long malformed, long echoesAnswered, long errorsSent, long errorsRateLimited) {}
}
