package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.PcapTap;
import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Tcpv4;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The from-scratch TCP against the Linux kernel over a TAP device in a namespace this test
 * creates and removes: curl downloads from our listener, and we connect to socat listeners in
 * both directions, a few MB byte-exact each; {@code ss} shows Linux agreed to window scaling,
 * timestamps and SACK. Root only; traffic goes to target/interop-tcp.pcap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class TcpInteropTest {

    private static final int SIZE = 4 * 1024 * 1024;
    private static final Path PCAP = Path.of("target", "interop-tcp.pcap").toAbsolutePath();

    private TapLink<PcapTap> link;

    @BeforeAll
    void setUp() throws IOException {
        Namespace.assumeUsable(TcpInteropTest.class, "curl", "socat");
        link = TapLink.open("10.203.0", MacAddress.parse("02:00:00:00:03:02"), TapNetwork.Offloads.CHECKSUM_AND_TSO,
                (device, ifname) -> PcapTap.wrap(device, PCAP), 1, FlowContractTest.CONSOLE);
    }

    @AfterAll
    void tearDown() {
        if (link != null) {
            link.close();
        }
    }

    private static byte[] data(long seed) {
        byte[] b = new byte[SIZE];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void curlDownloadsFromOurListenerByteExact() throws Exception {
        byte[] body = data(1);
        Path out = Files.createTempFile("morgana-curl", ".bin");
        try (Tcpv4.Listener l = link.stack.tcpv4().listen(8080, flow -> {
            // Read the request head, then answer with the body and close.
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (!request.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n") && flow.read(buf) > 0) {
                request.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            String head = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            flow.writev(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(body));
        })) {
            Namespace.Result r = link.ns.exec(60, "curl", "-sS", "--max-time", "50", "-o", out.toString(), "-w", "%{http_code}",
                    "http://" + link.stackIp + ":8080/file");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("200"), r.out());
            assertArrayEquals(body, Files.readAllBytes(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void weUploadToAKernelListenerByteExact() throws Exception {
        byte[] body = data(2);
        assertArrayEquals(body, link.uploadToKernelListener(9000, body));
    }

    @Test
    void weDownloadFromAKernelListenerByteExact() throws Exception {
        byte[] body = data(3);
        assertArrayEquals(body, link.downloadFromKernelListener(9001, body));
    }

    /**
     * Linux agrees to window scaling, timestamps and SACK with us, whichever side opens: the
     * capture shows them on the kernel's SYN-ACK to our SYN and on our SYN-ACK to the kernel's
     * SYN, and the kernel's data segments carry timestamps. ({@code ss -i} here reports neither
     * ts nor sack even between two Linux sockets, so the capture is the witness.)
     */
    @Test
    void linuxNegotiatesWindowScalingTimestampsAndSackWithUs() throws Exception {
        Assumptions.assumeTrue(Namespace.installed("tshark"), "tshark is needed; scripts/deps.sh installs it");
        // Our active open: a kernel listener sends to us.
        assertEquals(200_000, link.downloadFromKernelListener(9002, new byte[200_000]).length);
        // The kernel's active open: socat connects to our listener and reads what we send.
        Path out = Files.createTempFile("morgana-socat", ".bin");
        Path log = Files.createTempFile("morgana-socat", ".log");
        try (Tcpv4.Listener l = link.stack.tcpv4().listen(8082, flow -> flow.write(ByteBuffer.wrap("done".getBytes(StandardCharsets.US_ASCII))))) {
            Process client = link.ns.start(log, "socat", "-u", "TCP4:" + link.stackIp + ":8082", "CREATE:" + out);
            try {
                assertTrue(client.waitFor(20, TimeUnit.SECONDS), "socat finishes");
                assertEquals("done", Files.readString(out, StandardCharsets.US_ASCII));
            } finally {
                client.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
        String[] kernelSynAck = synAckOptions(9002);
        assertTrue(!kernelSynAck[0].isEmpty() && !kernelSynAck[1].isEmpty() && !kernelSynAck[2].isEmpty(),
                "Linux answers our SYN with SACK-permitted, a window scale and timestamps: " + String.join(",", kernelSynAck));
        String[] ourSynAck = synAckOptions(8082);
        assertTrue(!ourSynAck[0].isEmpty() && !ourSynAck[2].isEmpty(), "we answer Linux's SYN with SACK-permitted and timestamps: "
                + String.join(",", ourSynAck));
        assertEquals("3", ourSynAck[1], "and our window scale (256 KiB buffer)");
        String data = tshark("tcp.srcport==9002 && tcp.len>0", "tcp.options.timestamp.tsval");
        assertTrue(!data.isBlank() && data.lines().noneMatch(String::isBlank), "every data segment of Linux carries a timestamp");
    }

    /** SACK-permitted, window shift and TSval of the SYN-ACK sent from {@code port}, empty where absent. */
    private static String[] synAckOptions(int port) throws IOException {
        String line = tshark("tcp.srcport==" + port + " && tcp.flags.syn==1 && tcp.flags.ack==1", "tcp.options.sack_perm",
                "tcp.options.wscale.shift", "tcp.options.timestamp.tsval").lines().findFirst().orElse("");
        String[] f = (line + "\t\t\t").split("\t", -1);
        return new String[] {f[0].trim(), f[1].trim(), f[2].trim()};
    }

    private static String tshark(String filter, String... fields) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("tshark", "-r",
                PCAP.toString(), "-Y", filter, "-T", "fields"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        Namespace.Result r = Namespace.run(30, command.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out());
        // tshark warns on stderr when run as root; only the field lines matter.
        return r.out().lines().filter(l -> !l.startsWith("Running as user")).collect(java.util.stream.Collectors.joining("\n"));
    }
}
