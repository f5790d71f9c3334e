package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EthernetFrameTest {

    private static byte[] payloadOf(EthernetFrame f) {
        byte[] out = new byte[f.payload().remaining()];
        f.payload().get(f.payload().position(), out);
        return out;
    }

    @Test
    void parsesLinuxArpRequest() throws Exception {
        byte[] raw = LinuxFrames.frame("arp-request");
        EthernetFrame f = EthernetFrame.parse(ByteBuffer.wrap(raw));
        assertEquals(MacAddress.BROADCAST, f.destination());
        assertEquals(MacAddress.parse("12:eb:87:c9:c2:ae"), f.source());
        assertEquals(EthernetFrame.TYPE_ARP, f.etherType());
        assertArrayEquals(Arrays.copyOfRange(raw, 14, raw.length), payloadOf(f));
    }

    @Test
    void skipsVlanTags() throws Exception {
        byte[] raw = LinuxFrames.frame("icmp-echo-request");
        byte[] tagged = new byte[raw.length + 8];
        System.arraycopy(raw, 0, tagged, 0, 12);
        System.arraycopy(HexFormat.of().parseHex("88a8006481000065"), 0, tagged, 12, 8);
        System.arraycopy(raw, 12, tagged, 20, raw.length - 12);
        EthernetFrame f = EthernetFrame.parse(ByteBuffer.wrap(tagged));
        assertEquals(EthernetFrame.TYPE_IPV4, f.etherType());
        assertArrayEquals(Arrays.copyOfRange(raw, 14, raw.length), payloadOf(f));
    }

    @Test
    void rejectsThreeTagsTruncatedTagsShortFramesAndLengthFields() {
        byte[] triple = HexFormat.of().parseHex("ffffffffffff020000000001" + "8100000181000002810000030800" + "00");
        assertThrows(MalformedPacketException.class, () -> EthernetFrame.parse(ByteBuffer.wrap(triple)));
        byte[] truncatedTag = HexFormat.of().parseHex("ffffffffffff020000000001" + "810000");
        assertThrows(MalformedPacketException.class, () -> EthernetFrame.parse(ByteBuffer.wrap(truncatedTag)));
        assertThrows(MalformedPacketException.class, () -> EthernetFrame.parse(ByteBuffer.wrap(new byte[13])));
        byte[] ieee8023 = HexFormat.of().parseHex("ffffffffffff020000000001" + "0026" + "aaaa03");
        assertThrows(MalformedPacketException.class, () -> EthernetFrame.parse(ByteBuffer.wrap(ieee8023)));
    }

    @Test
    void buildsLinuxArpReplyHeaderAndPadsShortFrames() {
        byte[] raw = LinuxFrames.frame("arp-reply");
        byte[] built = EthernetFrame.build(MacAddress.parse("12:eb:87:c9:c2:ae"), MacAddress.parse("0e:25:45:2e:77:8f"),
                EthernetFrame.TYPE_ARP, Arrays.copyOfRange(raw, 14, raw.length));
        assertEquals(60, built.length);
        assertArrayEquals(raw, Arrays.copyOf(built, raw.length));
        assertArrayEquals(new byte[60 - raw.length], Arrays.copyOfRange(built, raw.length, 60));
    }
}
