package dev.morgana.tcpip.ethif;

import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Ethernet layer (sans-IO): parses incoming frames, drops those not addressed to this
 * interface, and hands ARP and IPv4 payloads to the layers above; frames going out get their
 * header written in place and are padded to the Ethernet minimum.
 */
public final class Ethif {

    /** A layer above Ethernet that receives one EtherType. */
    @FunctionalInterface
    public interface Upper {
        void input(EthernetFrame frame, long now);
    }

    private final MacAddress mac;
    private final int mtu;
    private final FrameSink sink;
    private Upper arp = (f, n) -> {};
    private Upper ipv4 = (f, n) -> {};
    private long received;
    private long sent;
    private long malformed;
    private long notForUs;
    private long unknownType;

    public Ethif(MacAddress mac, int mtu, FrameSink sink) {
        this.mac = mac;
        this.mtu = mtu;
        this.sink = sink;
    }

    public MacAddress mac() {
        return mac;
    }

    /** The largest IP packet a frame carries. */
    public int mtu() {
        return mtu;
    }

    public void onArp(Upper upper) {
        this.arp = upper;
    }

    public void onIpv4(Upper upper) {
        this.ipv4 = upper;
    }

    /** Handles one received frame; malformed frames are counted and dropped. */
    public void input(ByteBuffer frame, long now) {
        received++;
        EthernetFrame parsed;
        try {
            parsed = EthernetFrame.parse(frame);
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        MacAddress dst = parsed.destination();
        // Unicast for someone else (a TAP or a switch port may flood); group frames are
        // broadcast, or multicast we never joined except broadcast.
        if (!dst.equals(mac) && !dst.equals(MacAddress.BROADCAST)) {
            notForUs++;
            return;
        }
        switch (parsed.etherType()) {
            case EthernetFrame.TYPE_ARP -> arp.input(parsed, now);
            case EthernetFrame.TYPE_IPV4 -> ipv4.input(parsed, now);
            default -> unknownType++;
        }
    }

    /**
     * Sends {@code frame}, whose first {@link EthernetFrame#HEADER_LENGTH} bytes are reserved for
     * the header this method writes.
     */
    public void transmit(MacAddress destination, int etherType, byte[] frame) {
        byte[] out = frame.length < EthernetFrame.MIN_LENGTH ? Arrays.copyOf(frame, EthernetFrame.MIN_LENGTH) : frame;
        EthernetFrame.writeHeader(out, destination, mac, etherType);
        sent++;
        sink.transmit(out);
    }

    public EthifStats stats() {
        return new EthifStats(received, sent, malformed, notForUs, unknownType);
    }

    /** Counters of the Ethernet layer. */
    public record EthifStats(long received, long sent, long malformed, long notForUs, long unknownType) {}
}
