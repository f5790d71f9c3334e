package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.dhcp.DhcpClient;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The DHCP client inside a stack, against a fake server on the simulated network. */
@Timeout(30)
class DhcpLeaseTest {

    private final Hosts hosts = new Hosts();
    private final StackEngine serverHost = hosts.host(1);
    private final FakeDhcpServer server = new FakeDhcpServer(hosts, serverHost);
    private final StackEngine client = hosts.dhcpHost(9);

    private DhcpClient.State state() {
        return client.dhcp().orElseThrow().state();
    }

    private void bind() {
        assertTrue(hosts.sim.runUntil(() -> state() == DhcpClient.State.BOUND, Duration.ofSeconds(10)));
    }

    @Test
    void obtainsALeaseAndUsesAddressMaskAndRouter() {
        List<String> log = new ArrayList<>();
        client.onLog(log::add);
        bind();
        assertEquals(new Ipv4Config(Hosts.ip(50), Ipv4Address.parse("255.255.255.0"), Optional.of(Hosts.ip(1))), client.ipv4().config());
        assertEquals(List.of("dhcp: bound 10.0.0.50 netmask 255.255.255.0 router 10.0.0.1 for 100 s"), log);
        DhcpMessage request = server.received.get(1);
        assertEquals(DhcpMessage.REQUEST, request.messageType());
        assertEquals(Optional.of(Hosts.ip(50)), request.address(DhcpMessage.OPT_REQUESTED_IP));
        assertEquals(Optional.of(Hosts.ip(1)), request.address(DhcpMessage.OPT_SERVER_ID));
        assertTrue(request.broadcast());
        // The leased address now answers ping from the server's host.
        List<Ipv4Address> replies = new ArrayList<>();
        serverHost.icmp().onEchoReply((src, id, seq, data, now) -> replies.add(src));
        serverHost.icmp().ping(Hosts.ip(50), 1, 1, ByteBuffer.wrap(new byte[8]), hosts.sim.now());
        assertTrue(hosts.sim.runUntil(() -> !replies.isEmpty(), Duration.ofSeconds(5)));
    }

    @Test
    void declinesAnAddressAnotherHostAnswersFor() {
        List<String> log = new ArrayList<>();
        client.onLog(log::add);
        hosts.host(50);
        assertTrue(hosts.sim.runUntil(() -> state() == DhcpClient.State.BOUND, Duration.ofSeconds(30)));
        assertEquals(Hosts.ip(51), client.ipv4().config().address());
        assertEquals(1, server.count(DhcpMessage.DECLINE));
        assertEquals(1, client.dhcp().orElseThrow().stats().declines());
        assertEquals("dhcp: 10.0.0.50 is in use by 02:00:00:00:00:32, declining it", log.getFirst());
    }

    @Test
    void renewsByUnicastAtT1AndKeepsTheAddress() {
        bind();
        // T1 = 50 s counts from the REQUEST, sent at once; binding waited 1 s for ARP probes.
        hosts.sim.runFor(Duration.ofSeconds(48));
        assertEquals(2, server.received.size(), "nothing before T1 = 50 s");
        hosts.sim.runFor(Duration.ofSeconds(2));
        assertEquals(3, server.received.size());
        DhcpMessage renewal = server.received.getLast();
        assertEquals(DhcpMessage.REQUEST, renewal.messageType());
        assertEquals(Hosts.ip(50), renewal.ciaddr(), "renewal names the address in ciaddr");
        assertTrue(renewal.address(DhcpMessage.OPT_REQUESTED_IP).isEmpty());
        assertEquals(DhcpClient.State.BOUND, state());
        assertTrue(client.dhcp().orElseThrow().lease().orElseThrow().acquired() >= Duration.ofSeconds(50).toNanos());
        assertEquals(Hosts.ip(50), client.ipv4().config().address());
    }

    @Test
    void rebindsByBroadcastAtT2ThenGivesTheAddressUpAtExpiry() {
        bind();
        server.mode = FakeDhcpServer.Mode.SILENT;
        hosts.sim.runFor(Duration.ofSeconds(51));
        assertEquals(DhcpClient.State.RENEWING, state());
        hosts.sim.runFor(Duration.ofSeconds(37));
        assertEquals(DhcpClient.State.REBINDING, state(), "T2 = 87.5 s");
        assertTrue(server.received.getLast().ciaddr().equals(Hosts.ip(50)));
        hosts.sim.runFor(Duration.ofSeconds(13));
        assertEquals(Ipv4Address.ANY, client.ipv4().config().address(), "lease expired at 100 s");
        assertEquals(DhcpClient.State.SELECTING, state());
        server.mode = FakeDhcpServer.Mode.ANSWER;
        server.nextAddress = Hosts.ip(51);
        assertTrue(hosts.sim.runUntil(() -> state() == DhcpClient.State.BOUND, Duration.ofSeconds(120)));
        assertEquals(Hosts.ip(51), client.ipv4().config().address());
    }

    @Test
    void nakDuringRenewalDropsTheAddressAndStartsOver() {
        bind();
        server.mode = FakeDhcpServer.Mode.NAK;
        // Just past T1 (50 s after the REQUEST; bound 1 s after it), before the restart's pause ends.
        hosts.sim.runFor(Duration.ofMillis(49_500));
        assertEquals(Ipv4Address.ANY, client.ipv4().config().address());
        assertEquals(1, client.dhcp().orElseThrow().stats().naks());
        server.mode = FakeDhcpServer.Mode.ANSWER;
        server.nextAddress = Hosts.ip(52);
        assertTrue(hosts.sim.runUntil(() -> state() == DhcpClient.State.BOUND, Duration.ofSeconds(30)));
        assertEquals(Hosts.ip(52), client.ipv4().config().address());
        assertEquals(2, server.count(DhcpMessage.DISCOVER));
    }

    @Test
    void retransmitsDiscoverWithRandomisedExponentialBackOff() {
        server.mode = FakeDhcpServer.Mode.SILENT;
        List<Long> times = new ArrayList<>();
        hosts.sim.runUntil(() -> {
            while (times.size() < server.received.size()) {
                times.add(hosts.sim.now());
            }
            return times.size() >= 7;
        }, Duration.ofSeconds(400));
        assertEquals(7, times.size());
        long[] expected = {4, 8, 16, 32, 64, 64};
        for (int i = 0; i < expected.length; i++) {
            long gap = times.get(i + 1) - times.get(i);
            long base = expected[i] * 1_000_000_000L;
            assertTrue(Math.abs(gap - base) <= 1_000_000_000L, "gap " + i + " is " + gap + " ns, want " + expected[i] + " s ± 1 s");
        }
        assertEquals(Ipv4Address.ANY, client.ipv4().config().address());
    }
}
