package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.Time;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's own TLS clients, trusting only the test CA. */
@Timeout(120)
class JdkClientTest {

    @TempDir
    static Path dir;
    static HttpsFixture server;
    static SSLContext trustingTestCa;

    @BeforeAll
    static void start() throws Exception {
        server = new HttpsFixture(dir, Duration.ofSeconds(10));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test-root", server.pki.root());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustingTestCa = SSLContext.getInstance("TLS");
        trustingTestCa.init(null, tmf.getTrustManagers(), new SecureRandom());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void httpClientFetchesByteExactOverTls13And12() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            SSLParameters params = trustingTestCa.getDefaultSSLParameters();
            params.setProtocols(new String[] {protocol});
            try (HttpClient client = HttpClient.newBuilder().sslContext(trustingTestCa).sslParameters(params)
                    .connectTimeout(Duration.ofSeconds(10)).build()) {
                // The client offers h2 and http/1.1 by ALPN; the server picks http/1.1.
                HttpResponse<byte[]> response = client.send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/big"))
                                .timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                assertEquals(HttpClient.Version.HTTP_1_1, response.version());
                assertEquals(protocol, response.sslSession().orElseThrow().getProtocol());
                assertArrayEquals(HttpsFixture.BIG, response.body());
            }
        }
    }

    @Test
    @SuppressWarnings("try") // closes the client early on purpose, to send its close_notify
    void closeNotifyIsHonouredInBothDirections() throws Exception {
        CompletableFuture<String> serverSaw = new CompletableFuture<>();
        TlsConfig config = server.acceptor.config();
        // Entropy through the Random device adapter, as in the VM.
        SecureRandom viaDevice = TlsEntropy.secureRandom(TlsEntropy.device(new SecureRandom()));
        LoopbackSockets sockets = new LoopbackSockets();
        try (sockets;
                TlsAcceptor acceptor = new TlsAcceptor(config, viaDevice, Clock.system(), Time.system());
                Tcpv4.Listener listener = new TlsTcpv4(sockets.tcp(), acceptor).listen(0, flow -> echoThenSayBye(flow, serverSaw));
                SSLSocket socket = (SSLSocket) trustingTestCa.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), listener.port())) {
            socket.setSoTimeout(30_000);
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("b.test")));
            params.setProtocols(new String[] {"TLSv1.3"});
            socket.setSSLParameters(params);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            assertEquals("CN=b.test", ((java.security.cert.X509Certificate) socket.getSession()
                    .getPeerCertificates()[0]).getSubjectX500Principal().getName());

            out.write("quit".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The server answers "bye", then its close_notify: end of stream for us.
            assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
            // Our close_notify reaches the server as end of stream (-1), not as an error.
            socket.close();
            assertEquals("TLS 1.3, SNI b.test, ALPN null: echoed 8 bytes, then end of stream",
                    serverSaw.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), List.copyOf(sockets.logged));
    }

    @Test
    @SuppressWarnings("try") // closes the client early on purpose, to send its close_notify
    void fullDuplexTransfersDoNotDeadlock() throws Exception {
        // Both sides send megabytes before reading anything: only works if the server reads and
        // writes the same TLS flow concurrently, as the Flow contract allows.
        byte[] up = HttpsFixture.bigBody(3 * 1024 * 1024 + 7);
        byte[] down = HttpsFixture.BIG;
        CompletableFuture<byte[]> serverReceived = new CompletableFuture<>();
        CompletableFuture<Integer> handlerEnd = new CompletableFuture<>();
        LoopbackSockets sockets = new LoopbackSockets();
        try (sockets;
                TlsAcceptor acceptor = new TlsAcceptor(server.acceptor.config(), new SecureRandom(), Clock.system(),
                        Time.system());
                Tcpv4.Listener listener = new TlsTcpv4(sockets.tcp(), acceptor).listen(0, flow -> {
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            flow.write(ByteBuffer.wrap(down));
                            flow.shutdownOutput();
                        } catch (java.io.IOException e) {
                            serverReceived.completeExceptionally(e);
                        }
                    });
                    ByteBuffer in = ByteBuffer.allocate(up.length);
                    while (in.hasRemaining() && flow.read(in) >= 0) {
                        // fill
                    }
                    serverReceived.complete(java.util.Arrays.copyOf(in.array(), in.position()));
                    writer.join();
                    handlerEnd.complete(flow.read(ByteBuffer.allocate(1))); // the client's close_notify
                });
                SSLSocket socket = (SSLSocket) trustingTestCa.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), listener.port())) {
            socket.setSoTimeout(60_000);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(up);
                    socket.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] received = socket.getInputStream().readAllBytes();
            sending.get(60, TimeUnit.SECONDS);
            assertArrayEquals(down, received);
            assertArrayEquals(up, serverReceived.get(60, TimeUnit.SECONDS));
            socket.close();
            assertEquals(-1, handlerEnd.get(30, TimeUnit.SECONDS), "close_notify read as end of stream");
        }
        assertEquals(List.of(), List.copyOf(sockets.logged));
    }

    @Test
    void handshakeRunsOnTheFirstReadOfAWrappedFlow() throws Exception {
        try (LoopbackSockets sockets = new LoopbackSockets();
                java.nio.channels.ServerSocketChannel listening = sockets.tcp().bind(0);
                SSLSocket client = (SSLSocket) trustingTestCa.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), listening.socket().getLocalPort())) {
            client.setSoTimeout(30_000);
            CompletableFuture<Void> clientSide = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (TlsFlow flow = server.acceptor.wrap(sockets.tcp().adopt(listening.accept()))) {
                ByteBuffer buf = ByteBuffer.allocate(5);
                while (buf.hasRemaining()) {
                    flow.read(buf);
                }
                assertEquals("hello", new String(buf.array(), StandardCharsets.US_ASCII));
                assertEquals("TLS 1.3", flow.protocolVersion());
                clientSide.get(30, TimeUnit.SECONDS);
                flow.write(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)));
                assertEquals("world", new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            }
            assertEquals(-1, client.getInputStream().read(), "closing the flow sent close_notify");
        }
    }

    @Test
    void connectionEndingWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
        CompletableFuture<Throwable> serverSaw = new CompletableFuture<>();
        try (LoopbackSockets sockets = new LoopbackSockets();
                TlsAcceptor acceptor = new TlsAcceptor(server.acceptor.config(), new SecureRandom(), Clock.system(),
                        Time.system());
                Tcpv4.Listener listener = new TlsTcpv4(sockets.tcp(), acceptor).listen(0, flow -> {
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    try {
                        while (flow.read(buf.clear()) >= 0) {
                            // keep reading
                        }
                        serverSaw.complete(null);
                    } catch (java.io.IOException e) {
                        serverSaw.complete(e);
                    }
                });
                java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            raw.setSoTimeout(30_000);
            SSLSocket tls = (SSLSocket) trustingTestCa.getSocketFactory()
                    .createSocket(raw, "localhost", listener.port(), false);
            tls.getOutputStream().write("some data".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            // Half a record straight on the wire, then the TCP connection ends: no close_notify.
            raw.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x01, 0x00, 1, 2, 3});
            raw.shutdownOutput();
            Throwable error = serverSaw.get(30, TimeUnit.SECONDS);
            org.junit.jupiter.api.Assertions.assertInstanceOf(java.io.EOFException.class, error);
            org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().contains("without TLS close_notify"),
                    error.getMessage());
        }
    }

    /** Echoes until "quit", then says "bye", shuts its output down and reads until the client's close_notify. */
    private static void echoThenSayBye(Flow flow, CompletableFuture<String> saw) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(4);
        int echoed = 0;
        while (true) {
            buf.clear();
            while (buf.hasRemaining()) {
                if (flow.read(buf) < 0) {
                    saw.complete("unexpected end of stream");
                    return;
                }
            }
            echoed += 4;
            if (new String(buf.array(), StandardCharsets.US_ASCII).equals("quit")) {
                break;
            }
            flow.write(buf.flip());
        }
        TlsFlow tls = (TlsFlow) flow;
        String session = tls.protocolVersion() + ", SNI " + tls.requestedServerName() + ", ALPN " + tls.applicationProtocol();
        flow.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
        flow.shutdownOutput();
        assertThrows(java.io.IOException.class, () -> flow.write(ByteBuffer.wrap(new byte[1])));
        int last = flow.read(ByteBuffer.allocate(16));
        assertEquals(-1, flow.read(ByteBuffer.allocate(16)), "end of stream stays end of stream");
        saw.complete(session + ": echoed " + echoed + " bytes, then " + (last == -1 ? "end of stream" : "data " + last));
    }
}
