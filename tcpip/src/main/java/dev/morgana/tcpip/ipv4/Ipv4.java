package dev.morgana.tcpip.ipv4;

import dev.morgana.tcpip.arp.Arp;
import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The IPv4 layer (RFC 791, RFC 1122), sans-IO: validates received packets, reassembles fragments,
 * delivers local packets to the transport registered for their protocol; sends packets to the
 * local subnet or the gateway through ARP, fragmenting those larger than the MTU.
 *
 * <p>Transports plug in with {@link #register}: ICMP and UDP here, and TCP the same way (protocol
 * 6). A transport's timers are driven through {@link #poll} and {@link #nextDeadline}.
 */
public final class Ipv4 {

    /** A transport protocol above IPv4. */
    public interface Transport {

        /** Handles a packet addressed to us (reassembled if it was fragmented). */
        void input(Ipv4Packet packet, long now);

        /** Runs timers due at {@code now}. */
        default void poll(long now) {}

        /** When {@link #poll} next has work; {@link Long#MAX_VALUE} if never. */
        default long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    /** Where outgoing transport segments start in a frame: after Ethernet and a 20-byte IP header. */
    public static final int PAYLOAD_OFFSET = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER;
    private static final int DEFAULT_TTL = 64;

    private final Ethif ethif;
    private final Arp arp;
    private final Reassembler reassembler;
    private final Map<Integer, Transport> transports = new HashMap<>();
    private Ipv4Config config = Ipv4Config.UNCONFIGURED;
    private int nextIdentification;
    /** TCP packets up to this size go whole to a link that segments them (TSO); 0 when it cannot. */
    private int largeTcpPackets;
    private long received;
    private long malformed;
    private long notForUs;
    private long unknownProtocol;
    private long sent;
    private long noRoute;

    public Ipv4(Ethif ethif, Arp arp, ReassemblyConfig reassembly) {
        this.ethif = ethif;
        this.arp = arp;
        this.reassembler = new Reassembler(reassembly);
        ethif.onIpv4((frame, now) -> input(frame.payload(), now));
    }

    /** Plugs {@code transport} in for {@code protocol} (1 ICMP, 6 TCP, 17 UDP), replacing any other. */
    public void register(int protocol, Transport transport) {
        transports.put(protocol, transport);
    }

    /** The link's MTU: the largest IP packet sent without fragmenting. */
    public int mtu() {
        return ethif.mtu();
    }

    public Ipv4Config config() {
        return config;
    }

    /** Sets the address, netmask and gateway; announces a new address by gratuitous ARP. */
    public void configure(Ipv4Config newConfig, long now) {
        this.config = newConfig;
        arp.setAddress(newConfig.address(), now);
    }

    /** True if {@code destination} is one we accept: ours, or a broadcast on our link. */
    public boolean isLocal(Ipv4Address destination) {
        if (!config.configured()) {
            // While DHCP runs, we have no address yet and accept what the server sends us.
            return true;
        }
        return destination.equals(config.address()) || isBroadcast(destination);
    }

    /** True for the limited broadcast and our subnet's directed broadcast. */
    public boolean isBroadcast(Ipv4Address destination) {
        return destination.equals(Ipv4Address.BROADCAST) || (config.configured() && destination.equals(config.subnetBroadcast()));
    }

    /** Handles the IPv4 packet in {@code bytes} (Ethernet padding allowed after it). */
    public void input(ByteBuffer bytes, long now) {
        received++;
        Ipv4Packet packet;
        try {
            packet = Ipv4Packet.parse(bytes);
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        if (packet.ttl() == 0) {
            // No router forwards a packet whose TTL reached zero: it cannot arrive legitimately.
            malformed++;
            return;
        }
        if (!isLocal(packet.destination())) {
            notForUs++;
            return;
        }
        int src = packet.source().bits();
        // Martian sources: nobody sends from a broadcast, multicast or loopback address.
        if (src == -1 || (src >>> 28) == 0xe || (src >>> 24) == 127) {
            malformed++;
            return;
        }
        if (packet.isFragment()) {
            Reassembler.Whole whole = reassembler.add(packet, now);
            if (whole == null) {
                return;
            }
            packet = rebuild(whole);
            if (packet == null) {
                malformed++;
                return;
            }
        }
        Transport transport = transports.get(packet.protocol());
        if (transport == null) {
            unknownProtocol++;
            return;
        }
        transport.input(packet, now);
    }

    /** A packet view of a reassembled datagram: its first header with fragment fields cleared. */
    private static Ipv4Packet rebuild(Reassembler.Whole whole) {
        byte[] header = whole.header();
        int total = header.length + whole.payload().length;
        if (total > Ipv4Packet.MAX_LENGTH) {
            return null;
        }
        byte[] packet = new byte[total];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(whole.payload(), 0, packet, header.length, whole.payload().length);
        packet[2] = (byte) (total >>> 8);
        packet[3] = (byte) total;
        packet[6] = 0;
        packet[7] = 0;
        packet[10] = 0;
        packet[11] = 0;
        int sum = dev.morgana.tcpip.wire.Checksum.of(packet, 0, header.length);
        packet[10] = (byte) (sum >>> 8);
        packet[11] = (byte) sum;
        try {
            return Ipv4Packet.parse(ByteBuffer.wrap(packet));
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    /**
     * Sends TCP packets of up to {@code bytes} whole instead of fragmenting them, for a link that
     * segments TCP itself (TSO); 0, the default, fragments everything above the MTU.
     */
    public void largeTcpPackets(int bytes) {
        this.largeTcpPackets = bytes;
    }

    /** The source address we put on packets: ours, or 0.0.0.0 before we have one. */
    public Ipv4Address source() {
        return config.address();
    }

    /**
     * Sends {@code frame} as a packet of {@code protocol} to {@code destination}. The frame holds
     * the transport segment from {@link #PAYLOAD_OFFSET} to its end; this layer writes the IP
     * header before it (and Ethernet's before that), fragmenting if the packet exceeds the MTU.
     *
     * @return false if there is no route (no gateway for a destination off the subnet)
     */
    public boolean send(Ipv4Address destination, int protocol, byte[] frame, long now) {
        MacAddress broadcastMac = null;
        Ipv4Address nextHop;
        if (isBroadcast(destination) || !config.configured()) {
            broadcastMac = MacAddress.BROADCAST;
            nextHop = destination;
        } else if (destination.sameSubnet(config.address(), config.netmask())) {
            nextHop = destination;
        } else if (config.gateway().isPresent()) {
            nextHop = config.gateway().get();
        } else {
            noRoute++;
            return false;
        }
        int payloadLength = frame.length - PAYLOAD_OFFSET;
        int id = nextIdentification++ & 0xffff;
        int maxPayload = (ethif.mtu() - Ipv4Packet.MIN_HEADER) & ~7;
        boolean linkSegments = protocol == Ipv4Packet.PROTOCOL_TCP && payloadLength + Ipv4Packet.MIN_HEADER <= largeTcpPackets;
        if (payloadLength + Ipv4Packet.MIN_HEADER <= ethif.mtu() || linkSegments) {
            // A TCP packet above the MTU goes whole, DF set, to a link that segments it (TSO).
            Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + payloadLength, id, linkSegments, false, 0,
                    DEFAULT_TTL, protocol, source(), destination);
            emit(broadcastMac, nextHop, frame, now);
            return true;
        }
        for (int at = 0; at < payloadLength; at += maxPayload) {
            int n = Math.min(maxPayload, payloadLength - at);
            byte[] fragment = new byte[PAYLOAD_OFFSET + n];
            System.arraycopy(frame, PAYLOAD_OFFSET + at, fragment, PAYLOAD_OFFSET, n);
            Ipv4Packet.writeHeader(fragment, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + n, id, false,
                    at + n < payloadLength, at, DEFAULT_TTL, protocol, source(), destination);
            emit(broadcastMac, nextHop, fragment, now);
        }
        return true;
    }

    private void emit(MacAddress broadcastMac, Ipv4Address nextHop, byte[] frame, long now) {
        sent++;
        if (broadcastMac != null) {
            ethif.transmit(broadcastMac, EthernetFrame.TYPE_IPV4, frame);
        } else {
            arp.sendIpv4(nextHop, frame, now);
        }
    }

    /** Times out fragments and runs the transports' timers. */
    public void poll(long now) {
        reassembler.poll(now);
        for (Transport t : transports.values()) {
            t.poll(now);
        }
    }

    public long nextDeadline() {
        long next = reassembler.nextDeadline();
        for (Transport t : transports.values()) {
            next = Math.min(next, t.nextDeadline());
        }
        return next;
    }

    public Ipv4Stats stats() {
        return new Ipv4Stats(received, sent, malformed, notForUs, unknownProtocol, noRoute, reassembler.reassembled,
                reassembler.dropped, reassembler.overlaps, reassembler.timedOut, reassembler.datagramsHeld(), reassembler.bytesHeld());
    }

    /** Counters of the IPv4 layer, reassembly included. */
    public record Ipv4Stats(long received, long sent, long malformed, long notForUs, long unknownProtocol, long noRoute,
            long reassembled, long fragmentsDropped, long fragmentOverlaps, long reassemblyTimeouts, long datagramsHeld, long bytesHeld) {}
}
