package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A segment larger than the MSS, as a TAP with TSO hands over one GSO super-frame, is acknowledged
 * at once: it holds many full-sized segments' worth of data (RFC 5681 section 4.2), so holding its
 * ACK for the delayed-ACK timer would stall a sender whose whole window it filled.
 */
@Timeout(30)
class TcpLargeSegmentAckTest {

    @Test
    void aSegmentOfManyMssIsAcknowledgedWithoutWaitingForTheDelayedAckTimer() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, TcpConfig.DEFAULT);
        StackEngine b = hosts.host(3, 1500, TcpConfig.DEFAULT);
        TcpConnection server = hosts.connect(a, b).server();
        hosts.sim.runFor(Duration.ofMillis(100)); // let every handshake frame settle
        int seq = server.receiveNext();

        byte[] data = new byte[20_000];
        Arrays.fill(data, (byte) 'x');
        int tcpLength = TcpSegment.HEADER_LENGTH + data.length;
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + tcpLength];
        EthernetFrame.writeHeader(frame, Hosts.mac(3), Hosts.mac(2), EthernetFrame.TYPE_IPV4);
        System.arraycopy(data, 0, frame, Ipv4.PAYLOAD_OFFSET + TcpSegment.HEADER_LENGTH, data.length);
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, server.remotePort(), server.localPort(), seq, server.sendNext(),
                TcpSegment.ACK | TcpSegment.PSH, 65535, 0, data.length, Hosts.ip(2), Hosts.ip(3));
        Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + tcpLength, 7, true, false, 0, 64,
                Ipv4Packet.PROTOCOL_TCP, Hosts.ip(2), Hosts.ip(3));
        b.input(ByteBuffer.wrap(frame), hosts.sim.now());

        assertEquals(seq + data.length, server.receiveNext(), "the whole segment was taken");
        byte[] reply = b.nextFrame();
        assertNotNull(reply, "an ACK is sent at once, not after the delayed-ACK timer");
        ByteBuffer ip = EthernetFrame.parse(ByteBuffer.wrap(reply)).payload();
        Ipv4Packet packet = Ipv4Packet.parse(ip);
        TcpSegment ack = TcpSegment.parse(packet.payload(), packet.source(), packet.destination());
        assertEquals(seq + data.length, ack.ack(), "it acknowledges every byte");
        ByteBuffer got = ByteBuffer.allocate(data.length);
        server.read(got, hosts.sim.now());
        assertEquals(ByteBuffer.wrap(data), got.flip(), "the bytes read are the bytes sent");
    }
}
