package dev.morgana.tcpip.dhcp;

import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.types.Ipv4Address;

/** What the sans-IO DHCP client asks its runtime to do, or tells it. */
public sealed interface DhcpEvent {

    /**
     * Send {@code message} from port 68 to port 67 of {@code destination} (broadcast, or the server
     * when renewing), from {@code source} (0.0.0.0 until bound).
     */
    record Send(DhcpMessage message, Ipv4Address source, Ipv4Address destination) implements DhcpEvent {}

    /**
     * Check by ARP that no host uses {@code address} (a probe: sender address 0.0.0.0), and call
     * {@link DhcpClient#addressInUse} if one answers.
     */
    record Probe(Ipv4Address address) implements DhcpEvent {}

    /** A lease was obtained or renewed: configure the interface with it. */
    record Bound(Lease lease) implements DhcpEvent {}

    /** The lease is gone (expired or refused by a NAK): stop using the address. */
    record Unbound(String reason) implements DhcpEvent {}
}
