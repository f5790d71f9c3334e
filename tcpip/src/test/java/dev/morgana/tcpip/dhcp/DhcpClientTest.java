package dev.morgana.tcpip.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sans-IO client alone: messages and times in, events out. */
@Timeout(10)
class DhcpClientTest {

    private static final long SECOND = 1_000_000_000L;
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:09");
    private static final Ipv4Address SERVER = Ipv4Address.parse("192.168.1.1");
    private static final Ipv4Address OFFERED = Ipv4Address.parse("192.168.1.77");

    private final DhcpClient client = new DhcpClient(MAC, new SeededRandom(3));

    private static DhcpMessage sent(List<DhcpEvent> events) {
        assertEquals(1, events.size(), events.toString());
        return assertInstanceOf(DhcpEvent.Send.class, events.getFirst()).message();
    }

    private static DhcpMessage reply(DhcpMessage to, int type, Map<Integer, byte[]> extra) {
        Map<Integer, byte[]> options = new java.util.TreeMap<>(extra);
        options.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) type});
        options.put(DhcpMessage.OPT_SERVER_ID, SERVER.toBytes());
        return new DhcpMessage(DhcpMessage.BOOTREPLY, to.xid(), 0, true, Ipv4Address.ANY, type == DhcpMessage.NAK ? Ipv4Address.ANY : OFFERED,
                SERVER, Ipv4Address.ANY, MAC, options);
    }

    @Test
    void discoverIsABroadcastWithClientIdAndParameterList() {
        List<DhcpEvent> events = client.start(0);
        DhcpEvent.Send send = assertInstanceOf(DhcpEvent.Send.class, events.getFirst());
        assertEquals(Ipv4Address.BROADCAST, send.destination());
        assertEquals(Ipv4Address.ANY, send.source());
        DhcpMessage m = send.message();
        assertEquals(DhcpMessage.BOOTREQUEST, m.op());
        assertEquals(DhcpMessage.DISCOVER, m.messageType());
        assertTrue(m.broadcast());
        assertEquals(MAC, m.chaddr());
        assertArrayEquals(new byte[] {1, 2, 0, 0, 0, 0, 9}, m.options().get(DhcpMessage.OPT_CLIENT_ID));
        assertArrayEquals(new byte[] {1, 3, 6, 51, 58, 59}, m.options().get(DhcpMessage.OPT_PARAMETER_LIST));
        DhcpMessage again = sent(client.poll(client.nextDeadline()));
        assertEquals(m, again, "a retransmission is the same message, same xid");
    }

    @Test
    void offerRequestAckBindsWithTheServersTimers() {
        DhcpMessage discover = sent(client.start(0));
        DhcpMessage stranger = reply(new DhcpMessage(1, discover.xid() + 1, 0, true, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY,
                Ipv4Address.ANY, MAC, Map.of()), DhcpMessage.OFFER, Map.of());
        assertEquals(List.of(), client.input(stranger, SECOND), "another transaction's offer is ignored");
        DhcpMessage request = sent(client.input(reply(discover, DhcpMessage.OFFER, Map.of()), SECOND));
        assertEquals(DhcpMessage.REQUEST, request.messageType());
        assertEquals(discover.xid(), request.xid());
        assertEquals(Optional.of(OFFERED), request.address(DhcpMessage.OPT_REQUESTED_IP));
        assertEquals(Optional.of(SERVER), request.address(DhcpMessage.OPT_SERVER_ID));
        List<DhcpEvent> probe = client.input(reply(request, DhcpMessage.ACK, DhcpMessage.options(DhcpMessage.OPT_LEASE_TIME, 1000,
                DhcpMessage.OPT_RENEWAL_TIME, 300, DhcpMessage.OPT_REBINDING_TIME, 600, DhcpMessage.OPT_SUBNET_MASK,
                Ipv4Address.parse("255.255.0.0"), DhcpMessage.OPT_ROUTER, SERVER)), 2 * SECOND);
        assertEquals(List.of(new DhcpEvent.Probe(OFFERED)), probe, "the address is checked by ARP first");
        assertEquals(DhcpClient.State.PROBING, client.state());
        assertEquals(List.of(new DhcpEvent.Probe(OFFERED)), client.poll(client.nextDeadline()));
        assertEquals(3 * SECOND, client.nextDeadline(), "bound one second after the ACK");
        List<DhcpEvent> bound = client.poll(3 * SECOND);
        Lease lease = assertInstanceOf(DhcpEvent.Bound.class, bound.getFirst()).lease();
        assertEquals(new Lease(OFFERED, Ipv4Address.parse("255.255.0.0"), Optional.of(SERVER), List.of(), SERVER,
                Duration.ofSeconds(1000), Duration.ofSeconds(300), Duration.ofSeconds(600), SECOND), lease);
        assertEquals(DhcpClient.State.BOUND, client.state());
        assertEquals(301 * SECOND, client.nextDeadline(), "T1 counts from when the REQUEST was sent");
        DhcpEvent.Send renew = assertInstanceOf(DhcpEvent.Send.class, client.poll(301 * SECOND).getFirst());
        assertEquals(SERVER, renew.destination(), "renewal is unicast to the server");
        assertEquals(OFFERED, renew.source());
        assertEquals(OFFERED, renew.message().ciaddr());
    }

    @Test
    void missingTimersDefaultToHalfAndSevenEighthsOfTheLease() {
        DhcpMessage discover = sent(client.start(0));
        DhcpMessage request = sent(client.input(reply(discover, DhcpMessage.OFFER, Map.of()), 0));
        client.input(reply(request, DhcpMessage.ACK, DhcpMessage.options(DhcpMessage.OPT_LEASE_TIME, 800)), 0);
        client.poll(client.nextDeadline());
        Lease lease = ((DhcpEvent.Bound) client.poll(client.nextDeadline()).getFirst()).lease();
        assertEquals(Duration.ofSeconds(400), lease.renewalTime());
        assertEquals(Duration.ofSeconds(700), lease.rebindingTime());
        assertEquals(Ipv4Address.parse("255.255.255.0"), lease.netmask(), "class C default without option 1");
    }

    @Test
    void nakWhileRequestingRestartsWithANewTransaction() {
        DhcpMessage discover = sent(client.start(0));
        DhcpMessage request = sent(client.input(reply(discover, DhcpMessage.OFFER, Map.of()), 0));
        assertEquals(List.of(), client.input(reply(request, DhcpMessage.NAK, Map.of()), SECOND), "nothing was bound, nothing to unbind");
        assertEquals(DhcpClient.State.INIT, client.state());
        long pause = client.nextDeadline() - SECOND;
        assertTrue(pause >= SECOND && pause < 2 * SECOND, "a short random pause: " + pause);
        DhcpMessage rediscover = sent(client.poll(client.nextDeadline()));
        assertEquals(DhcpMessage.DISCOVER, rediscover.messageType());
        assertNotEquals(discover.xid(), rediscover.xid());
    }

    @Test
    void declinesAnAddressInUseAndWaitsTenSeconds() {
        DhcpMessage discover = sent(client.start(0));
        DhcpMessage request = sent(client.input(reply(discover, DhcpMessage.OFFER, Map.of()), 0));
        client.input(reply(request, DhcpMessage.ACK, Map.of()), SECOND);
        assertEquals(List.of(), client.addressInUse(Ipv4Address.parse("192.168.1.78"), SECOND), "another address is no conflict");
        DhcpMessage decline = sent(client.addressInUse(OFFERED, SECOND));
        assertEquals(DhcpMessage.DECLINE, decline.messageType());
        assertEquals(Optional.of(OFFERED), decline.address(DhcpMessage.OPT_REQUESTED_IP));
        assertEquals(Optional.of(SERVER), decline.address(DhcpMessage.OPT_SERVER_ID));
        assertEquals(Ipv4Address.ANY, decline.ciaddr());
        assertEquals(DhcpClient.State.INIT, client.state());
        assertEquals(11 * SECOND, client.nextDeadline());
        assertEquals(1, client.stats().declines());
        assertTrue(client.lease().isEmpty());
    }

    @Test
    void givesUpAnOfferAfterFourUnansweredRequests() {
        DhcpMessage discover = sent(client.start(0));
        client.input(reply(discover, DhcpMessage.OFFER, Map.of()), 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(DhcpMessage.REQUEST, sent(client.poll(client.nextDeadline())).messageType());
        }
        assertEquals(DhcpMessage.DISCOVER, sent(client.poll(client.nextDeadline())).messageType());
        assertEquals(DhcpClient.State.SELECTING, client.state());
    }
}
