package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A garbage ClientHello, a truncated record and a client that stalls mid-handshake each lose
 * only their own connection, while a well-behaved client is served at the same time.
 */
@Timeout(120)
class MisbehavingClientsTest {

    /** Short, so the stalled client is cut off quickly; real time, enforced by the watchdog thread. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static HttpsFixture server;

    @BeforeAll
    static void start() throws Exception {
        server = new HttpsFixture(dir, HANDSHAKE_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Everything the server sends until it closes the connection (a reset counts as closing). */
    static byte[] untilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                received.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // the server closed with unread input pending: still closed
        }
        return received.toByteArray();
    }

    /** The handshake failure the server reported for this client's connection. */
    static java.io.IOException failureOf(Socket client) throws InterruptedException {
        String remote = "127.0.0.1:" + client.getLocalPort(); // as the socket stack names a peer
        for (int i = 0; i < 500 && !server.handshakeFailures.containsKey(remote); i++) {
            Thread.sleep(10);
        }
        return server.handshakeFailures.get(remote);
    }

    /** A TLS record: type, legacy version 3.1, length, body. */
    static byte[] record(int type, byte[] body) {
        byte[] r = new byte[5 + body.length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 1;
        r[3] = (byte) (body.length >> 8);
        r[4] = (byte) body.length;
        System.arraycopy(body, 0, r, 5, body.length);
        return r;
    }

    static void assertFatalAlertOrNothing(byte[] received) {
        if (received.length > 0) {
            assertEquals(7, received.length, "one plaintext alert record");
            assertEquals(0x15, received[0], "alert record");
            assertEquals(2, received[5], "fatal level");
        }
    }

    @Test
    void plaintextHttpOnTheTlsPortIsClosed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Bouncy Castle sends nothing before a valid ClientHello: the connection just closes
            // (untilClosed would time out after 30 s otherwise).
            assertFatalAlertOrNothing(untilClosed(socket));
        }
    }

    @Test
    void garbageClientHelloIsClosed() throws Exception {
        byte[] body = new byte[200];
        new java.util.Random(7).nextBytes(body);
        body[0] = 1; // handshake type client_hello, then nonsense
        body[1] = 0;
        body[2] = 0;
        body[3] = (byte) 196;
        try (Socket socket = connect()) {
            socket.getOutputStream().write(record(0x16, body));
            // Bouncy Castle sends nothing before a valid ClientHello: the connection just closes
            // (untilClosed would time out after 30 s otherwise).
            assertFatalAlertOrNothing(untilClosed(socket));
        }
    }

    @Test
    void misbehavingClientsLoseOnlyTheirOwnConnections() throws Exception {
        Tools.require("curl");
        try (Socket stalled = connect(); Socket stalledMidHello = connect(); Socket truncated = connect()) {
            // Sends nothing at all.
            // Sends half a ClientHello record, then waits.
            byte[] partial = record(0x16, new byte[300]);
            stalledMidHello.getOutputStream().write(partial, 0, 40);
            // Announces a 300-byte record, sends 100 bytes of it and ends its output.
            truncated.getOutputStream().write(partial, 0, 105);
            truncated.shutdownOutput();

            // Meanwhile a real client fetches a multi-megabyte file, byte-exact.
            Tools.Result fetched = CurlClientTest.curlAgainst(server, dir, "a.test", "/big", "--tlsv1.3");
            assertArrayEquals(HttpsFixture.BIG, fetched.stdout());

            assertFatalAlertOrNothing(untilClosed(truncated));
            assertTrue(failureOf(truncated) instanceof java.io.EOFException, String.valueOf(failureOf(truncated)));
            // The stalled ones are cut off by the handshake watchdog (the socket timeout is 30 s).
            long start = System.nanoTime();
            assertEquals(0, untilClosed(stalled).length);
            assertEquals(0, untilClosed(stalledMidHello).length);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(25)) < 0);
            assertTrue(failureOf(stalled) instanceof java.net.SocketTimeoutException, String.valueOf(failureOf(stalled)));
            assertTrue(failureOf(stalledMidHello) instanceof java.net.SocketTimeoutException);
        }
        // And the server still serves.
        Tools.Result again = CurlClientTest.curlAgainst(server, dir, "b.test", "/small", "--tls-max", "1.2");
        assertArrayEquals(HttpsFixture.SMALL, again.stdout());
        assertEquals(0, server.acceptor.watchdog().armed(), "no handshake left watched");
        assertEquals(List.of(), List.copyOf(server.sockets.logged), "handlers saw no unexpected errors");
    }
}
