package dev.morgana.tls;

import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.Time;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A TLS server on loopback for tests: {@link TlsTcpv4} over the socket stack, serving fixed files
 * with a minimal HTTP/1.1 responder. Identities: "a.test" (EC, the default, also localhost and
 * 127.0.0.1) and "b.test" (RSA, key in PKCS#8).
 */
final class HttpsFixture implements AutoCloseable {

    static final byte[] SMALL = "hello over TLS\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BIG = bigBody(5 * 1024 * 1024 + 123);

    final TestPki pki;
    final TestPki.Issued a;
    final TestPki.Issued b;
    final LoopbackSockets sockets = new LoopbackSockets();
    final TlsAcceptor acceptor;
    /** Handshake failures, as the listener reports them: remote address to error. */
    final java.util.Map<String, java.io.IOException> handshakeFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private final Tcpv4.Listener listener;

    HttpsFixture(Path dir, Duration handshakeTimeout) throws Exception {
        pki = new TestPki(dir);
        a = pki.issue("a", false, false, List.of("a.test", "localhost"), List.of("127.0.0.1"));
        b = pki.issue("b", true, true, List.of("b.test", "*.b.test"), List.of());
        TlsConfig config = TlsConfig.fromPem(
                List.of(new TlsConfig.PemFiles(a.chain(), a.key()), new TlsConfig.PemFiles(b.chain(), b.key())),
                handshakeTimeout, Clock.system());
        acceptor = new TlsAcceptor(config, new SecureRandom(), Clock.system(), Time.system());
        listener = new TlsTcpv4(sockets.tcp(), acceptor, handshakeFailures::put).listen(0, HttpsFixture::serve);
    }

    int port() {
        return listener.port();
    }

    /** Reads one request head and answers it; the body depends on the path. */
    static void serve(Flow flow) throws IOException {
        String path = readRequestPath(flow);
        if (path == null) {
            return;
        }
        Map<String, byte[]> files = Map.of("/small", SMALL, "/big", BIG);
        byte[] body = files.get(path);
        String status = body == null ? "404 Not Found" : "200 OK";
        if (body == null) {
            body = ("no " + path + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        String head = "HTTP/1.1 " + status + "\r\nContent-Length: " + body.length
                + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
        flow.writev(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(body));
        flow.shutdownOutput();
        // Wait for the client to finish (close_notify or EOF), bounded by the client's patience.
        ByteBuffer sink = ByteBuffer.allocate(1024);
        try {
            while (flow.read(sink.clear()) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // a client that leaves without close_notify after reading everything is fine here
        }
    }

    private static String readRequestPath(Flow flow) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (buf.hasRemaining()) {
            if (flow.read(buf) < 0) {
                return null;
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n")) {
                String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
                return requestLine.length == 3 ? requestLine[1] : "/";
            }
        }
        throw new IOException("request head too large");
    }

    static byte[] bigBody(int size) {
        byte[] body = new byte[size];
        new java.util.Random(42).nextBytes(body);
        return body;
    }

    @Override
    public void close() {
        listener.close();
        sockets.close();
        acceptor.close();
    }
}
