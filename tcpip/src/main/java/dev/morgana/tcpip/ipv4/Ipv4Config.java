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

    /**
     * Parses the keys' values: IP "10.0.0.2", NETMASK "255.255.255.0", GATEWAY "10.0.0.1" or empty.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public static Ipv4Config parse(String ip, String netmask, String gateway) {
        Ipv4Address address = key("IP", ip);
        Ipv4Address mask = key("NETMASK", netmask);
        Optional<Ipv4Address> router = gateway == null || gateway.isBlank() ? Optional.empty() : Optional.of(key("GATEWAY", gateway));
        if (address.equals(Ipv4Address.ANY)) {
            throw new IllegalArgumentException("IP: 0.0.0.0 is not an address a stack can use (or set DHCP=true)");
        }
        try {
            return new Ipv4Config(address, mask, router);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((e.getMessage().startsWith("netmask") ? "NETMASK: " : "GATEWAY: ") + e.getMessage(), e);
        }
    }

    private static Ipv4Address key(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": missing");
        }
        try {
            return Ipv4Address.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    public boolean configured() {
        return !address.equals(Ipv4Address.ANY);
    }

    /** The directed broadcast address of our subnet. */
    public Ipv4Address subnetBroadcast() {
        return new Ipv4Address(address.bits() | ~netmask.bits());
    }
}
