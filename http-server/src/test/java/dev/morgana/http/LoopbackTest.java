package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.site.StaticSite;
import dev.morgana.types.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The server and the site over real kernel TCP on loopback, spoken to by the JDK's client. */
@Timeout(60)
@ParameterizedClass(name = "selector loops: {0}")
@ValueSource(ints = {0, 2})
class LoopbackTest {

    /** 0: a virtual thread per connection; otherwise that many selector loops. */
    @Parameter
    int loops;

    private final byte[] big = pattern(3 * 1024 * 1024 + 17);
    /** Small enough for the site to keep its whole response in memory: the loop writes it itself. */
    private final byte[] kept = pattern(60_000);
    private final MiniStore store = new MiniStore().put("index.html", "<p>home</p>").put("big.bin", big)
            .put("kept.bin", kept);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Console console = Console.of("list", lines::add);
    private final dev.morgana.tcpip.socket.SocketStackV4 sockets = TestSupport.loopbackSockets(console);
    private Http1Server server;
    private Thread thread;
    private int port;

    @BeforeEach
    void start() throws Exception {
        HttpOptions options = HttpOptions.defaults().withAccessLog(false)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofSeconds(2));
        server = new Http1Server(console, sockets.tcpv4(), 0, options).withLoops(loops);
        StaticSite site = new StaticSite(console, store, server);
        thread = Thread.ofVirtual().start(() -> {
            try {
                site.run();
            } catch (Exception e) {
                console.log("site failed: " + e);
            }
        });
        port = server.awaitPort(Duration.ofSeconds(10));
        assertTrue(port > 0, lines.toString());
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        thread.join(Duration.ofSeconds(5));
        sockets.close();
    }

    @Test
    void jdkClientGetsFilesByteForByte() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<byte[]> index = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, index.statusCode());
            assertEquals("<p>home</p>", new String(index.body(), StandardCharsets.UTF_8));
            HttpResponse<byte[]> file = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, file.statusCode());
            assertArrayEquals(big, file.body());
            HttpResponse<byte[]> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/nope")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(404, missing.statusCode());
        }
    }

    @Test
    void slowlorisClientsAreCutOffWhileANormalClientIsServed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            int closedByServer = 0;
            for (int round = 0; round < 4; round++) {
                for (Socket s : slow) {
                    if (!s.isClosed()) {
                        try {
                            s.getOutputStream().write('X');
                        } catch (IOException e) {
                            s.close();
                        }
                    }
                }
                try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals("<p>home</p>", r.body());
                }
                Thread.sleep(600);
            }
            for (Socket s : slow) {
                if (s.isClosed()) {
                    closedByServer++;
                    continue;
                }
                s.setSoTimeout(5000);
                if (readsEof(s.getInputStream())) {
                    closedByServer++;
                }
            }
            assertEquals(slow.size(), closedByServer, "every slow head must be cut off by the header timeout");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void clientThatStopsReadingIsDisconnectedByTheSendTimeout() throws Exception {
        // four copies of the file: more than the kernel's socket buffers can absorb
        long received = pipelineThenStopReading("/big.bin", 4);
        assertTrue(received < 4L * big.length, "the server must give up on a client that does not read: " + received);
    }

    @Test
    void clientThatStopsReadingPipelinedKeptResponsesIsDisconnectedByTheSendTimeout() throws Exception {
        int requests = 200; // 12 MB of answers: far more than the socket buffers hold
        long received = pipelineThenStopReading("/kept.bin", requests);
        assertTrue(received > 0 && received < (long) requests * kept.length,
                "the server must give up on a client that does not read: " + received);
    }

    /**
     * Pipelines {@code copies} GETs of {@code path} with a small receive buffer, reads nothing for
     * 4 s (longer than the send timeout), then counts the bytes that still arrive until the server
     * closes (or resets) the connection.
     */
    private long pipelineThenStopReading(String path, int copies) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").repeat(copies)
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(4000);
            s.setSoTimeout(10_000);
            long received = 0;
            try {
                byte[] buf = new byte[65536];
                int n;
                while ((n = s.getInputStream().read(buf)) >= 0) {
                    received += n;
                }
            } catch (IOException e) {
                // a reset also proves the server gave up
            }
            return received;
        }
    }

    @Test
    void pipelinedRequestsOverTcpComeBackInOrder() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int a = all.indexOf("HTTP/1.1 404 ");
            int b = all.indexOf("HTTP/1.1 200 ", a);
            int c = all.indexOf("HTTP/1.1 200 ", b + 1);
            assertTrue(a == 0 && b > a && c > b, all);
            assertTrue(all.endsWith("Connection: close\r\n\r\n"), all);
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i ^ (i >>> 8));
        }
        return b;
    }

    private static boolean readsEof(InputStream in) {
        try {
            byte[] b = new byte[4096];
            int total = 0;
            int n;
            while ((n = in.read(b)) >= 0 && total < 1_000_000) {
                total += n;
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
