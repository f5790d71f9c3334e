package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.TcpSegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@link StackEngine#linkSegmentsTcp} the engine hands whole multi-MSS TCP segments (DF set,
 * not fragmented) to a link that segments them itself; only when the MSS is the one the MTU
 * allows, so the link's cut respects the peer's MSS. Without it every segment fits the MTU.
 */
@Timeout(30)
class TcpSegmentationOffloadTest {

    /** The IP packets {@code a} queues after its connection writes {@code data}, not yet on the link. */
    private static List<Ipv4Packet> packetsAfterWrite(int peerMtu, boolean offload, byte[] data) throws Exception {
        Hosts hosts = new Hosts(dev.morgana.tcpip.netif.Impairments.NONE, 1, 9000);
        StackEngine a = hosts.host(2, 1500, TcpConfig.DEFAULT);
        StackEngine b = hosts.host(3, peerMtu, TcpConfig.DEFAULT);
        if (offload) {
            a.linkSegmentsTcp(65535);
        }
        TcpConnection client = hosts.connect(a, b).client();
        hosts.sim.runFor(Duration.ofMillis(100));
        client.write(ByteBuffer.wrap(data), hosts.sim.now());
        List<Ipv4Packet> packets = new ArrayList<>();
        for (byte[] frame = a.nextFrame(); frame != null; frame = a.nextFrame()) {
            packets.add(Ipv4Packet.parse(EthernetFrame.parse(ByteBuffer.wrap(frame)).payload()));
        }
        return packets;
    }

    private static byte[] data(int size) {
        byte[] d = new byte[size];
        new SplittableRandom(3).nextBytes(d);
        return d;
    }

    @Test
    void withOffloadSegmentsOfManyMssGoWholeWithDontFragmentAndCorrectChecksums() throws Exception {
        byte[] data = data(40_000); // the initial congestion window lets the first 3 MSS go
        List<Ipv4Packet> packets = packetsAfterWrite(1500, true, data);
        assertTrue(packets.stream().anyMatch(p -> p.payload().remaining() > 1480), "some segment exceeds the MTU");
        ByteBuffer sent = ByteBuffer.allocate(data.length);
        for (Ipv4Packet p : packets) {
            assertTrue(!p.moreFragments() && p.fragmentOffset() == 0, "never fragmented");
            int length = p.payload().remaining();
            TcpSegment s = TcpSegment.parse(p.payload().duplicate(), p.source(), p.destination()); // verifies the checksum
            if (length > 1480) {
                assertTrue(p.dontFragment(), "a packet above the MTU has DF set");
                int mss = 1460 - (s.hasTimestamps() ? 12 : 0); // the timestamp option comes off the MSS
                assertEquals(0, s.payload().remaining() % mss, "a large segment is a whole number of MSS");
            }
            sent.put(s.payload());
        }
        sent.flip();
        assertTrue(sent.remaining() > 1460, "more than one MSS went out at once (the initial window)");
        assertEquals(ByteBuffer.wrap(data, 0, sent.remaining()), sent, "the segments carry the bytes written, in order");
    }

    @Test
    void withoutOffloadEverySegmentFitsTheMtu() throws Exception {
        for (Ipv4Packet p : packetsAfterWrite(1500, false, data(40_000))) {
            assertTrue(p.payload().remaining() <= 1480, "segment of " + p.payload().remaining());
        }
    }

    @Test
    void aPeerWithASmallerMssGetsSegmentsOfItsMssEvenWithOffload() throws Exception {
        for (Ipv4Packet p : packetsAfterWrite(1000, true, data(40_000))) {
            assertTrue(p.payload().remaining() <= 980, "segment of " + p.payload().remaining() + " for a peer MSS of 960");
        }
    }
}
