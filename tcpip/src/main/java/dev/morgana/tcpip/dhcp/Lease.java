package dev.morgana.tcpip.dhcp;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.types.Ipv4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An address leased from a DHCP server.
 *
 * @param acquired monotonic nanos when the lease (or its last renewal) was requested; T1, T2 and
 *     expiry count from there (RFC 2131 4.4.1)
 */
public record Lease(Ipv4Address address, Ipv4Address netmask, Optional<Ipv4Address> router, List<Ipv4Address> dnsServers,
        Ipv4Address server, Duration leaseTime, Duration renewalTime, Duration rebindingTime, long acquired) {

    public Lease {
        dnsServers = List.copyOf(dnsServers);
    }

    /** The interface configuration this lease gives. */
    public Ipv4Config toConfig() {
        return new Ipv4Config(address, netmask, router.filter(r -> r.sameSubnet(address, netmask)));
    }

    long t1() {
        return acquired + renewalTime.toNanos();
    }

    long t2() {
        return acquired + rebindingTime.toNanos();
    }

    long expiry() {
        return acquired + leaseTime.toNanos();
    }
}
