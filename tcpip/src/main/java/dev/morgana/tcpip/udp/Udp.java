package dev.morgana.tcpip.udp;

import dev.morgana.tcpip.icmp.Icmp;
import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.wire.IcmpMessage;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.tcpip.wire.UdpDatagram;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Udpv4;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * UDP (RFC 768), sans-IO: delivers datagrams to the handler listening on their port, answers
 * datagrams for closed ports with ICMP port unreachable (rate limited by {@link Icmp}), and sends
 * datagrams with a checksum.
 */
public final class Udp implements Ipv4.Transport {

    private final Ipv4 ipv4;
    private final Icmp icmp;
    private final Map<Integer, Udpv4.DatagramHandler> handlers = new HashMap<>();
    private Udpv4.DatagramHandler fallback;
    private long received;
    private long malformed;
    private long noListener;
    private long sent;
    private long handlerFailures;

    public Udp(Ipv4 ipv4, Icmp icmp) {
        this.ipv4 = ipv4;
        this.icmp = icmp;
        ipv4.register(Ipv4Packet.PROTOCOL_UDP, this);
    }

    /**
     * Delivers datagrams for {@code port} to {@code handler}, replacing an earlier one. The payload
     * buffer handed to the handler is read-only and valid only during the call: copy what you keep.
     */
    public void listen(int port, Udpv4.DatagramHandler handler) {
        checkPort(port);
        handlers.put(port, handler);
    }

    /**
     * Delivers datagrams for ports nobody listens on to {@code handler} instead of answering them
     * with port unreachable (null restores the answer). For loggers and monitors.
     */
    public void listenOthers(Udpv4.DatagramHandler handler) {
        this.fallback = handler;
    }

    public void unlisten(int port) {
        handlers.remove(port);
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port out of range: " + port);
        }
    }

    @Override
    public void input(Ipv4Packet packet, long now) {
        received++;
        UdpDatagram datagram;
        try {
            datagram = UdpDatagram.parse(packet.payload(), packet.source(), packet.destination());
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        Udpv4.DatagramHandler handler = handlers.getOrDefault(datagram.destinationPort(), fallback);
        if (handler == null) {
            noListener++;
            icmp.destinationUnreachable(packet, IcmpMessage.CODE_PORT_UNREACHABLE, now);
            return;
        }
        try {
            handler.receive(packet.source(), datagram.sourcePort(), datagram.destinationPort(), datagram.payload().asReadOnlyBuffer());
        } catch (RuntimeException e) {
            // An application bug must not take the stack down with it.
            handlerFailures++;
        }
    }

    /**
     * Sends {@code payload}'s remaining bytes (its position is left unchanged).
     *
     * @return false if there was no route to {@code destination}
     */
    public boolean send(int sourcePort, Ipv4Address destination, int destinationPort, ByteBuffer payload, long now) {
        checkPort(sourcePort);
        checkPort(destinationPort);
        int length = payload.remaining();
        if (length > UdpDatagram.MAX_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload of " + length + " bytes exceeds " + UdpDatagram.MAX_PAYLOAD);
        }
        int at = Ipv4.PAYLOAD_OFFSET;
        byte[] frame = new byte[at + UdpDatagram.HEADER_LENGTH + length];
        payload.get(payload.position(), frame, at + UdpDatagram.HEADER_LENGTH, length);
        UdpDatagram.writeHeader(frame, at, sourcePort, destinationPort, length, ipv4.source(), destination);
        sent++;
        return ipv4.send(destination, Ipv4Packet.PROTOCOL_UDP, frame, now);
    }

    public UdpStats stats() {
        return new UdpStats(received, sent, malformed, noListener, handlerFailures);
    }

    /** Counters of the UDP layer. */
    public record UdpStats(long received, long sent, long malformed, long noListener, long handlerFailures) {}
}
