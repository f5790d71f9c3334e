package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IcmpMessageTest {

    @Test
    void writesTheEchoReplyLinuxWrote() throws Exception {
        byte[] request = LinuxFrames.frame("icmp-echo-request");
        byte[] reply = LinuxFrames.frame("icmp-echo-reply");
        IcmpMessage m = IcmpMessage.parse(ByteBuffer.wrap(request, 34, request.length - 34));
        assertEquals(IcmpMessage.ECHO_REQUEST, m.type());
        assertEquals(0x2c11, m.identifier());
        assertEquals(1, m.sequence());
        byte[] out = new byte[8 + m.data().remaining()];
        IcmpMessage.write(out, 0, IcmpMessage.ECHO_REPLY, 0, m.rest(), m.data());
        assertArrayEquals(Arrays.copyOfRange(reply, 34, reply.length), out);
    }

    @Test
    void parsesLinuxPortUnreachableQuotingTheDatagram() throws Exception {
        byte[] raw = LinuxFrames.frame("icmp-port-unreachable");
        IcmpMessage m = IcmpMessage.parse(ByteBuffer.wrap(raw, 34, raw.length - 34));
        assertEquals(IcmpMessage.DESTINATION_UNREACHABLE, m.type());
        assertEquals(IcmpMessage.CODE_PORT_UNREACHABLE, m.code());
        byte[] udp = LinuxFrames.frame("udp-hello");
        byte[] quoted = new byte[m.data().remaining()];
        m.data().get(m.data().position(), quoted);
        assertArrayEquals(Arrays.copyOfRange(udp, 14, udp.length), quoted);
    }

    @Test
    void rejectsShortAndCorruptMessages() {
        byte[] raw = LinuxFrames.frame("icmp-echo-request");
        assertThrows(MalformedPacketException.class, () -> IcmpMessage.parse(ByteBuffer.wrap(raw, 34, 7)));
        raw[60] ^= 0x10;
        assertThrows(MalformedPacketException.class, () -> IcmpMessage.parse(ByteBuffer.wrap(raw, 34, raw.length - 34)));
    }
}
