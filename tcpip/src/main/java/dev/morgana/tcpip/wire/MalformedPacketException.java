package dev.morgana.tcpip.wire;

/**
 * A packet that cannot be parsed: truncated, with lengths that disagree, a bad checksum or an
 * unsupported format. Carries no stack trace: it is thrown for every bad packet from the wire,
 * which is routine, and the layer and reason say everything.
 */
public final class MalformedPacketException extends Exception {

    private final String layer;

    public MalformedPacketException(String layer, String reason) {
        super(layer + ": " + reason, null, false, false);
        this.layer = layer;
    }

    /** The protocol whose parser rejected the packet ("ipv4", "udp", ...). */
    public String layer() {
        return layer;
    }
}
