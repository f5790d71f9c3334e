package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.TcpSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packet sequence of the NET=direct request that got no answer under QEMU's user-mode
 * networking (tcpip/src/test/vm/new-connection-per-request.sh, 2026-11-24, 10.0.2.2:52480): slirp
 * sent SYN (MSS only), we answered SYN-ACK, slirp's ACK and its 94-byte request were both lost
 * before our stack read them, our SYN-ACK went again after 1 s, and slirp answered it with a bare
 * ACK whose sequence number lay 94 bytes beyond ours. That ACK completed our handshake, but we
 * said nothing, so nothing told slirp its request was missing, and it never sent it again: the
 * client waited until its own timeout for an answer that never came.
 *
 * <p>libslirp 4.7 threw the request away when it re-read the MSS option of our retransmitted
 * SYN-ACK (SlirpLostHandshakeTest shows it against the real libslirp), so a retransmitted SYN-ACK
 * now leaves the MSS option out for a peer whose SYN offered nothing but MSS; and a segment without
 * data from beyond the next expected byte is answered at once with an ACK for that byte (as
 * out-of-order data is, RFC 5681 section 4.2). Replayed here against one engine with the sequence
 * numbers, windows and options of the capture.
 */
@Timeout(30)
class TcpLostHandshakeAckTest {

    private static final int PEER_PORT = 52480;
    private static final int PEER_ISN = 40_704_001;
    private static final byte[] REQUEST = ("GET /docs/index.html HTTP/1.1\r\nHost: 127.0.0.1:30894\r\n"
            + "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final StackEngine engine = new StackEngine(Hosts.mac(15), 1500, Optional.of(Hosts.config(15)), new SeededRandom(15),
            TcpConfig.DEFAULT);
    private final List<TcpConnection> accepted = new ArrayList<>();

    /** A segment from the peer (Hosts.ip(2), "slirp") to our port 80, as slirp builds them: no options but the SYN's MSS. */
    private void fromPeer(int seq, int ack, int flags, int mss, byte[] payload, long now) {
        fromPeer(seq, ack, flags, TcpSegment.Options.mss(mss), payload, now);
    }

    private void fromPeer(int seq, int ack, int flags, TcpSegment.Options options, byte[] payload, long now) {
        int header = TcpSegment.headerLength(options);
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + header + payload.length];
        EthernetFrame.writeHeader(frame, Hosts.mac(15), Hosts.mac(2), EthernetFrame.TYPE_IPV4);
        System.arraycopy(payload, 0, frame, Ipv4.PAYLOAD_OFFSET + header, payload.length);
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, PEER_PORT, 80, seq, ack, flags, 65535, options, payload.length, Hosts.ip(2),
                Hosts.ip(15));
        Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER + header + payload.length, 1, true, false, 0,
                64, Ipv4Packet.PROTOCOL_TCP, Hosts.ip(2), Hosts.ip(15));
        engine.input(ByteBuffer.wrap(frame), now);
    }

    /** The next TCP segment the engine sends, or null if it sends nothing. */
    private TcpSegment sent() throws Exception {
        byte[] frame = engine.nextFrame();
        if (frame == null) {
            return null;
        }
        Ipv4Packet packet = Ipv4Packet.parse(EthernetFrame.parse(ByteBuffer.wrap(frame)).payload());
        assertEquals(Ipv4Packet.PROTOCOL_TCP, packet.protocol(), "only TCP goes out");
        return TcpSegment.parse(packet.payload(), packet.source(), packet.destination());
    }

    /** Starts the engine at {@code now}, knows the peer's MAC, and listens on port 80. */
    private void listenOnPort80(long now) throws IOException {
        engine.start(now);
        while (engine.nextFrame() != null) {
            // the gratuitous ARP of our address
        }
        engine.arp().learn(Hosts.ip(2), Hosts.mac(2), now);
        engine.tcp().listen(80, accepted::add);
    }

    @Test
    void aBareAckFromBeyondTheExpectedByteIsAnsweredAtOnceSoTheLostRequestIsSentAgain() throws Exception {
        long now = 1_000_000_000L;
        listenOnPort80(now);

        fromPeer(PEER_ISN, 0, TcpSegment.SYN, 1460, new byte[0], now);
        TcpSegment synAck = sent();
        assertNotNull(synAck, "SYN-ACK");
        assertTrue(synAck.has(TcpSegment.SYN) && synAck.has(TcpSegment.ACK));
        assertEquals(PEER_ISN + 1, synAck.ack());
        int iss = synAck.seq();

        // slirp's ACK and its request are lost: nothing arrives. Our SYN-ACK goes again after the RTO.
        now += 1_010_000_000L;
        engine.poll(now);
        TcpSegment again = sent();
        assertNotNull(again, "the SYN-ACK is retransmitted after 1 s");
        assertTrue(again.has(TcpSegment.SYN) && again.has(TcpSegment.ACK));
        assertEquals(iss, again.seq());
        assertEquals(1460, synAck.mss(), "the first SYN-ACK offers our MSS");
        assertEquals(-1, again.mss(), "the retransmission leaves the MSS option out (-1: absent): libslirp would drop its queued request on it");

        // slirp answers with a bare ACK carrying its next sequence number, past the lost request.
        fromPeer(PEER_ISN + 1 + REQUEST.length, iss + 1, TcpSegment.ACK, 0, new byte[0], now);
        assertEquals(1, accepted.size(), "the ACK completes the handshake");
        TcpConnection server = accepted.getFirst();
        assertEquals(TcpState.ESTABLISHED, server.state());
        TcpSegment dupAck = sent();
        assertNotNull(dupAck, "the missing request is reported at once, not left to the peer's timer");
        assertEquals(TcpSegment.ACK, dupAck.flags() & (TcpSegment.ACK | TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST));
        assertEquals(PEER_ISN + 1, dupAck.ack(), "it acknowledges only what arrived: the request is missing");
        assertEquals(iss + 1, dupAck.seq());
        assertNull(sent(), "one ACK, no more");

        // The peer sends the request again: it is taken, acknowledged and readable byte for byte.
        fromPeer(PEER_ISN + 1, iss + 1, TcpSegment.ACK | TcpSegment.PSH, 0, REQUEST, now);
        assertEquals(PEER_ISN + 1 + REQUEST.length, server.receiveNext());
        ByteBuffer got = ByteBuffer.allocate(REQUEST.length);
        server.read(got, now);
        assertArrayEquals(REQUEST, got.array(), "the request as sent");
    }

    @Test
    void anInOrderBareAckStaysUnanswered() throws Exception {
        long now = 1_000_000_000L;
        listenOnPort80(now);
        fromPeer(PEER_ISN, 0, TcpSegment.SYN, 1460, new byte[0], now);
        int iss = sent().seq();

        fromPeer(PEER_ISN + 1, iss + 1, TcpSegment.ACK, 0, new byte[0], now);
        assertEquals(1, accepted.size());
        assertNull(sent(), "an ACK that completes the handshake in order needs no answer");
        fromPeer(PEER_ISN + 1, iss + 1, TcpSegment.ACK, 0, new byte[0], now + 1_000_000_000L);
        assertNull(sent(), "nor does a duplicate of it: no ACK ping-pong");
    }

    @Test
    void aPeerThatOfferedModernOptionsGetsTheMssOptionOnEveryRetransmittedSynAck() throws Exception {
        long now = 1_000_000_000L;
        listenOnPort80(now);
        fromPeer(PEER_ISN, 0, TcpSegment.SYN, new TcpSegment.Options(1460, 7, true, true, 12345, 0, new int[0]), new byte[0], now);
        TcpSegment synAck = sent();
        assertEquals(1460, synAck.mss());
        now += 1_010_000_000L;
        engine.poll(now);
        TcpSegment again = sent();
        assertNotNull(again, "the SYN-ACK is retransmitted after 1 s");
        assertEquals(1460, again.mss(), "a peer that may have missed the first SYN-ACK learns our MSS");
        assertEquals(synAck.windowScale(), again.windowScale(), "and the same window scale");
        assertTrue(again.sackPermitted() && again.hasTimestamps(), "and SACK and timestamps as before");
    }
}
