package dev.morgana.tcpip.ipv4;

import dev.morgana.types.Ipv4Address;
import java.util.Optional;

/**
 * An interface's IPv4 configuration: static (keys IP, NETMASK, GATEWAY) or leased by DHCP.
 *
 * @param gateway the default router, if any; without one only the local subnet is reachable
 */
public record Ipv4Config(Ipv4Address address, Ipv4Address netmask, Optional<Ipv4Address> gateway) {

    /** No address yet (DHCP in progress): only broadcasts can be sent. */
    public static final Ipv4Config UNCONFIGURED = new Ipv4Config(Ipv4Address.ANY, Ipv4Address.ANY, Optional.empty());

    public Ipv4Config {
        int mask = netmask.bits();
        if (mask != 0 && Integer.bitCount(mask) != Integer.numberOfLeadingZeros(~mask)) {
            throw new IllegalArgumentException("netmask " + netmask + " is not contiguous");
        }
        if (gateway.isPresent() && !address.equals(Ipv4Address.ANY) && !gateway.get().sameSubnet(address, netmask)) {
            throw new IllegalArgumentException("gateway " + gateway.get() + " is outside " + address + "/" + Integer.bitCount(mask));
        }
    }

    /** Parses the keys' values: "10.0.0.2", "255.255.255.0", and "10.0.0.1" or empty. */
    public static Ipv4Config parse(String ip, String netmask, String gateway) {
        return new Ipv4Config(Ipv4Address.parse(ip), Ipv4Address.parse(netmask),
                gateway == null || gateway.isBlank() ? Optional.empty() : Optional.of(Ipv4Address.parse(gateway)));
    }

    public boolean configured() {
        return !address.equals(Ipv4Address.ANY);
    }

    /** The directed broadcast address of our subnet. */
    public Ipv4Address subnetBroadcast() {
        return new Ipv4Address(address.bits() | ~netmask.bits());
    }
}
