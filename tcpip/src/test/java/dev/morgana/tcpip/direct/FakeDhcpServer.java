package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A minimal DHCP server on a simulated host, scripted by tests: answers, NAKs or stays silent. */
final class FakeDhcpServer {

    enum Mode { ANSWER, NAK, SILENT }

    final List<DhcpMessage> received = new ArrayList<>();
    Mode mode = Mode.ANSWER;
    Ipv4Address nextAddress = Hosts.ip(50);
    int leaseSeconds = 100;
    private final StackEngine engine;
    private final Hosts hosts;

    FakeDhcpServer(Hosts hosts, StackEngine engine) {
        this.hosts = hosts;
        this.engine = engine;
        engine.udp().listen(67, (src, sport, dport, payload) -> handle(payload));
    }

    private void handle(ByteBuffer payload) {
        DhcpMessage m;
        try {
            m = DhcpMessage.parse(payload);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
        received.add(m);
        if (m.messageType() == DhcpMessage.DECLINE) {
            // The declined address is taken by someone: offer the next one.
            nextAddress = new Ipv4Address(nextAddress.bits() + 1);
            return;
        }
        if (mode == Mode.SILENT) {
            return;
        }
        int reply = switch (m.messageType()) {
            case DhcpMessage.DISCOVER -> DhcpMessage.OFFER;
            case DhcpMessage.REQUEST -> mode == Mode.NAK ? DhcpMessage.NAK : DhcpMessage.ACK;
            default -> 0;
        };
        if (reply == 0) {
            return;
        }
        Ipv4Address yiaddr = reply == DhcpMessage.NAK ? Ipv4Address.ANY : nextAddress;
        var options = reply == DhcpMessage.NAK
                ? DhcpMessage.options(DhcpMessage.OPT_MESSAGE_TYPE, (byte) reply, DhcpMessage.OPT_SERVER_ID, Hosts.ip(1))
                : DhcpMessage.options(DhcpMessage.OPT_MESSAGE_TYPE, (byte) reply, DhcpMessage.OPT_SERVER_ID, Hosts.ip(1),
                        DhcpMessage.OPT_LEASE_TIME, leaseSeconds, DhcpMessage.OPT_SUBNET_MASK, Ipv4Address.parse("255.255.255.0"),
                        DhcpMessage.OPT_ROUTER, Hosts.ip(1));
        DhcpMessage answer = new DhcpMessage(DhcpMessage.BOOTREPLY, m.xid(), 0, m.broadcast(), m.ciaddr(), yiaddr, Hosts.ip(1),
                Ipv4Address.ANY, m.chaddr(), options);
        Ipv4Address to = m.ciaddr().equals(Ipv4Address.ANY) || reply == DhcpMessage.NAK ? Ipv4Address.BROADCAST : m.ciaddr();
        engine.udp().send(67, to, 68, ByteBuffer.wrap(answer.toBytes()), hosts.sim.now());
    }

    long count(int type) {
        return received.stream().filter(m -> m.messageType() == type).count();
    }
}
