package dev.morgana.tcpip.netif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.wire.LinuxFrames;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PcapTapTest {

    @TempDir
    Path dir;

    @Test
    void recordsSentAndReceivedFramesInPcapFormat() throws Exception {
        VirtualClock clock = new VirtualClock();
        MemorySwitch network = new MemorySwitch(clock, Impairments.NONE, 1);
        MacAddress a = MacAddress.parse("12:eb:87:c9:c2:ae");
        MacAddress b = MacAddress.parse("0e:25:45:2e:77:8f");
        Path file = dir.resolve("capture.pcap");
        byte[] request = LinuxFrames.frame("icmp-echo-request");
        byte[] reply = LinuxFrames.frame("icmp-echo-reply");
        Network other = network.connect(b);
        try (Network tapped = PcapTap.wrap(network.connect(a), file, clock)) {
            tapped.send(ByteBuffer.wrap(request));
            clock.advance(Duration.ofMillis(1500));
            other.send(ByteBuffer.wrap(reply));
            ByteBuffer got = ByteBuffer.allocate(2048);
            assertTrue(tapped.receive(got, Duration.ZERO));
        }
        ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, pcap.getInt(0), "nanosecond pcap magic");
        assertEquals(1, pcap.getInt(20), "link type Ethernet");
        int second = 24 + 16 + request.length;
        assertEquals(request.length, pcap.getInt(24 + 8));
        assertArrayEquals(request, Arrays.copyOfRange(pcap.array(), 40, 40 + request.length));
        assertEquals(1, pcap.getInt(second) - pcap.getInt(24), "1.5 s later: one second more");
        assertEquals(500_000_000, pcap.getInt(second + 4) - pcap.getInt(24 + 4));
        assertArrayEquals(reply, Arrays.copyOfRange(pcap.array(), second + 16, second + 16 + reply.length));
        assertEquals(second + 16 + reply.length, pcap.capacity());
        if (tsharkInstalled()) {
            Process p = new ProcessBuilder("tshark", "-r", file.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("10.99.0.1 → 10.99.0.2    ICMP 98 Echo (ping) request") && out.contains("Echo (ping) reply"), out);
        } else {
            System.out.println("PcapTapTest: tshark not installed, pcap checked by bytes only");
        }
    }

    @Test
    void wrapsOnlyWhenTheKeyIsSet() throws Exception {
        MemorySwitch network = new MemorySwitch(new VirtualClock(), Impairments.NONE, 1);
        Network port = network.connect(MacAddress.parse("02:00:00:00:00:01"));
        assertSame(port, PcapTap.wrapIfRequested(port, null));
        assertSame(port, PcapTap.wrapIfRequested(port, " "));
        Network tapped = PcapTap.wrapIfRequested(port, dir.resolve("k.pcap").toString());
        assertTrue(tapped instanceof PcapTap);
        tapped.close();
        assertEquals(24, Files.size(dir.resolve("k.pcap")));
    }

    private static boolean tsharkInstalled() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "tshark"))) {
                return true;
            }
        }
        return false;
    }
}
