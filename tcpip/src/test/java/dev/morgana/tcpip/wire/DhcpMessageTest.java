package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DhcpMessageTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:07");

    private static DhcpMessage offer(Map<Integer, byte[]> options) {
        return new DhcpMessage(DhcpMessage.BOOTREPLY, 0x12345678, 0, true, Ipv4Address.ANY, Ipv4Address.parse("10.0.0.50"),
                Ipv4Address.parse("10.0.0.1"), Ipv4Address.ANY, MAC, options);
    }

    @Test
    void roundTripsWithTypedOptions() throws Exception {
        DhcpMessage m = offer(DhcpMessage.options(DhcpMessage.OPT_MESSAGE_TYPE, (byte) DhcpMessage.OFFER,
                DhcpMessage.OPT_SUBNET_MASK, Ipv4Address.parse("255.255.255.0"), DhcpMessage.OPT_LEASE_TIME, 120,
                DhcpMessage.OPT_ROUTER, new byte[] {10, 0, 0, 1, 10, 0, 0, 2}, DhcpMessage.OPT_SERVER_ID, Ipv4Address.parse("10.0.0.1")));
        byte[] bytes = m.toBytes();
        assertEquals(300, bytes.length);
        // Message type comes first after the magic cookie.
        assertArrayEquals(new byte[] {99, (byte) 130, 83, 99, 53, 1, 2}, Arrays.copyOfRange(bytes, 236, 243));
        DhcpMessage back = DhcpMessage.parse(ByteBuffer.wrap(bytes));
        assertEquals(m, back);
        assertEquals(DhcpMessage.OFFER, back.messageType());
        assertEquals(120L, back.seconds(DhcpMessage.OPT_LEASE_TIME).orElseThrow());
        assertEquals(List.of(Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2")), back.addresses(DhcpMessage.OPT_ROUTER));
        assertEquals(MAC, back.chaddr());
    }

    @Test
    void parsesDnsmasqOfferAndAck() throws Exception {
        var frames = LinuxFrames.load("/frames/dnsmasq-frames.hex");
        for (String name : List.of("dnsmasq-offer", "dnsmasq-ack")) {
            byte[] f = frames.get(name);
            // Ethernet 14, IPv4 20, UDP 8.
            DhcpMessage m = DhcpMessage.parse(ByteBuffer.wrap(f, 42, f.length - 42));
            assertEquals(name.endsWith("offer") ? DhcpMessage.OFFER : DhcpMessage.ACK, m.messageType());
            assertEquals(DhcpMessage.BOOTREPLY, m.op());
            assertEquals(MacAddress.parse("02:00:00:00:02:03"), m.chaddr());
            assertEquals(Ipv4Address.parse("10.202.0.58"), m.yiaddr());
            assertEquals(Optional.of(Ipv4Address.parse("10.202.0.1")), m.address(DhcpMessage.OPT_SERVER_ID));
            assertEquals(Optional.of(Ipv4Address.parse("255.255.255.0")), m.address(DhcpMessage.OPT_SUBNET_MASK));
            assertEquals(List.of(Ipv4Address.parse("10.202.0.1")), m.addresses(DhcpMessage.OPT_ROUTER));
            assertEquals(Optional.of(120L), m.seconds(DhcpMessage.OPT_LEASE_TIME));
            assertEquals(Optional.of(60L), m.seconds(DhcpMessage.OPT_RENEWAL_TIME));
        }
        // Our own DISCOVER, as it went on the wire, parses back with the broadcast flag.
        byte[] d = frames.get("dhcp-discover");
        DhcpMessage discover = DhcpMessage.parse(ByteBuffer.wrap(d, 42, d.length - 42));
        assertEquals(DhcpMessage.DISCOVER, discover.messageType());
        assertEquals(true, discover.broadcast());
    }

    @Test
    void splitsLongOptionsAndConcatenatesThemBack() throws Exception {
        byte[] big = new byte[600];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        DhcpMessage m = offer(Map.of(43, big, DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {5}));
        DhcpMessage back = DhcpMessage.parse(ByteBuffer.wrap(m.toBytes()));
        assertArrayEquals(big, back.options().get(43));
    }

    @Test
    void rejectsTruncationMissingCookieOverrunningOptionsAndMissingEnd() {
        byte[] good = offer(Map.of(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {2})).toBytes();
        assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(ByteBuffer.wrap(good, 0, 239)));
        byte[] noCookie = good.clone();
        noCookie[236] = 0;
        assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(ByteBuffer.wrap(noCookie)));
        byte[] overrun = Arrays.copyOf(good, 244);
        overrun[240] = 12;
        overrun[241] = (byte) 200;
        assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(ByteBuffer.wrap(overrun)));
        byte[] noEnd = Arrays.copyOf(good, 243);
        assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(ByteBuffer.wrap(noEnd)));
        byte[] notEthernet = good.clone();
        notEthernet[1] = 6;
        assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(ByteBuffer.wrap(notEthernet)));
    }
}
