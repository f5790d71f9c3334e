package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 5961: forged RSTs and SYNs that do not hit the exact sequence number are challenged, not obeyed. */
@Timeout(30)
class TcpBlindAttackTest {

    /** A segment as if from 10.0.0.2 to b's connection, injected straight into b. */
    private static void inject(StackEngine b, TcpConnection target, int seq, int flags, long now) {
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + TcpSegment.HEADER_LENGTH];
        EthernetFrame.writeHeader(frame, Hosts.mac(3), Hosts.mac(2), EthernetFrame.TYPE_IPV4);
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, target.remotePort(), target.localPort(), seq, target.sendNext(), flags,
                1000, 0, 0, Hosts.ip(2), Hosts.ip(3));
        Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + TcpSegment.HEADER_LENGTH, 1, true, false, 0,
                64, Ipv4Packet.PROTOCOL_TCP, Hosts.ip(2), Hosts.ip(3));
        b.input(ByteBuffer.wrap(frame), now);
    }

    @Test
    void inWindowResetsAndSynsAreChallengedAndOnlyTheExactResetCloses() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, TcpConfig.DEFAULT);
        StackEngine b = hosts.host(3, 1500, TcpConfig.DEFAULT);
        Hosts.Connection connection = hosts.connect(a, b);
        TcpConnection client = connection.client();
        TcpConnection server = connection.server();
        int expected = server.receiveNext();

        inject(b, server, expected + 1000, TcpSegment.RST, hosts.sim.now());
        assertEquals(TcpState.ESTABLISHED, server.state(), "an in-window RST off the exact number is not obeyed");
        assertEquals(1, b.tcp().stats().challengeAcks());

        inject(b, server, expected, TcpSegment.SYN, hosts.sim.now());
        assertEquals(TcpState.ESTABLISHED, server.state(), "a SYN on an established connection is not obeyed");
        assertEquals(2, b.tcp().stats().challengeAcks());

        inject(b, server, expected + 1_000_000, TcpSegment.RST, hosts.sim.now());
        assertEquals(TcpState.ESTABLISHED, server.state(), "an out-of-window RST is dropped");
        assertEquals(2, b.tcp().stats().challengeAcks());

        hosts.sim.runFor(Duration.ofMillis(100));
        assertEquals(TcpState.ESTABLISHED, client.state(), "the challenge ACKs did not disturb the real peer");

        inject(b, server, expected, TcpSegment.RST, hosts.sim.now());
        assertEquals(TcpState.CLOSED, server.state(), "the exact RST resets");
        assertEquals("connection reset by peer", server.error());
        assertEquals(0, b.tcp().connectionCount());
    }
}
