package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.wire.ArpPacket;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.IcmpMessage;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.tcpip.wire.UdpDatagram;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of every parser and of the whole stack (run with JAZZER_FUZZ=1; without
 * it, the seeds under FrameFuzzTestInputs run as a regression test). The seeds are the frames
 * captured from Linux and dnsmasq, re-addressed to the stacks below.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // Each seed takes milliseconds; a fuzzing run stops at maxDuration.
class FrameFuzzTest {

    private static final MacAddress LINUX_TWIN = MacAddress.parse("0e:25:45:2e:77:8f");

    @FuzzTest(maxDuration = "60s")
    void anyFrameIsCountedOrHandledNeverThrown(byte[] frame) {
        for (Parser p : Parser.values()) {
            try {
                p.parse(ByteBuffer.wrap(frame));
            } catch (MalformedPacketException expected) {
                // The only failure a parser may report.
            }
        }
        StackEngine configured = new StackEngine(LINUX_TWIN, 1500, Optional.of(new dev.morgana.tcpip.ipv4.Ipv4Config(
                Ipv4Address.parse("10.99.0.2"), Ipv4Address.parse("255.255.255.0"), Optional.empty())), new SeededRandom(1));
        StackEngine leasing = new StackEngine(MacAddress.parse("02:00:00:00:02:03"), 1500, Optional.empty(), new SeededRandom(1));
        for (StackEngine e : new StackEngine[] {configured, leasing}) {
            e.start(0);
            e.input(ByteBuffer.wrap(frame), 1);
            e.poll(2);
            int sent = 0;
            while (e.nextFrame() != null) {
                sent++;
            }
            assertTrue(sent < 64, "one frame cannot make the stack send a flood");
        }
    }

    /** Every wire parser, each fed the whole frame: it may reject it, but only with MalformedPacketException. */
    private enum Parser {
        ETHERNET(EthernetFrame::parse),
        ARP(ArpPacket::parse),
        IPV4(Ipv4Packet::parse),
        ICMP(IcmpMessage::parse),
        UDP(b -> UdpDatagram.parse(b, Ipv4Address.ANY, Ipv4Address.BROADCAST)),
        DHCP(DhcpMessage::parse);

        @FunctionalInterface
        private interface Parse {
            void parse(ByteBuffer b) throws MalformedPacketException;
        }

        private final Parse parse;

        Parser(Parse parse) {
            this.parse = parse;
        }

        void parse(ByteBuffer b) throws MalformedPacketException {
            parse.parse(b);
        }
    }
}
