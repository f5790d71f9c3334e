package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.netif.Impairments;
import dev.morgana.tcpip.netif.MemorySwitch;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.netif.VirtualClock;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds simulated hosts for tests: 10.0.0.x/24 with gateway 10.0.0.1, MAC 02:00:00:00:00:x. */
final class Hosts {

    final VirtualClock clock = new VirtualClock();
    final MemorySwitch network;
    final Simulation sim;

    Hosts(Impairments impairments, long seed) {
        this(impairments, seed, 1500);
    }

    Hosts(Impairments impairments, long seed, int mtu) {
        network = new MemorySwitch(clock, impairments, seed, mtu);
        sim = new Simulation(clock, network);
    }

    Hosts() {
        this(Impairments.NONE, 1);
    }

    static MacAddress mac(int host) {
        return new MacAddress(0x0200_0000_0000L + host);
    }

    static Ipv4Address ip(int host) {
        return new Ipv4Address(0x0a00_0000 + host);
    }

    static Ipv4Config config(int host) {
        return new Ipv4Config(ip(host), Ipv4Address.parse("255.255.255.0"), Optional.of(ip(1)));
    }

    /** A host with a static address 10.0.0.{@code host}. */
    StackEngine host(int host) {
        return sim.add(new StackEngine(mac(host), 1500, Optional.of(config(host)), new SeededRandom(host)));
    }

    /** A host with a static address, its own MTU and TCP configuration. */
    StackEngine host(int host, int mtu, dev.morgana.tcpip.tcp.TcpConfig tcp) {
        return sim.add(new StackEngine(mac(host), mtu, Optional.of(config(host)), new SeededRandom(host), tcp));
    }

    /** A host that leases its address by DHCP. */
    StackEngine dhcpHost(int host) {
        return sim.add(new StackEngine(mac(host), 1500, Optional.empty(), new SeededRandom(host)));
    }

    /** The two ends of one established connection. */
    record Connection(TcpConnection client, TcpConnection server) {}

    /**
     * {@code client} connects to port 80 of {@code server}, which listens there; the simulation runs
     * until both ends are established.
     *
     * @throws AssertionError if that takes more than 5 simulated seconds
     */
    Connection connect(StackEngine client, StackEngine server) throws IOException {
        List<TcpConnection> accepted = new ArrayList<>();
        server.tcp().listen(80, accepted::add);
        TcpConnection active = client.tcp().connect(server.ipv4().config().address(), 80, sim.now());
        if (!sim.runUntil(() -> !accepted.isEmpty() && active.state() == TcpState.ESTABLISHED, Duration.ofSeconds(5))) {
            throw new AssertionError("no connection within 5 s: client " + active.state() + ", " + accepted.size() + " accepted");
        }
        return new Connection(active, accepted.getFirst());
    }
}
