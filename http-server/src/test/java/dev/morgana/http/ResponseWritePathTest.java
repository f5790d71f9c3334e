package dev.morgana.http;

import static dev.morgana.http.TestSupport.DATE;
import static dev.morgana.http.TestSupport.SECURITY;
import static dev.morgana.http.TestSupport.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connection's write path: a head and an in-memory body that fit the output buffer leave in
 * one write, larger bodies are gathered behind the head, and a body buffer shared between
 * responses (as a static site's prepared responses are) is sent again unchanged.
 */
@Timeout(20)
@ParameterizedClass
@EnumSource(TestSupport.Transport.class)
class ResponseWritePathTest {

    @Parameter
    TestSupport.Transport transport;

    private static final HttpFields FIELDS = HttpFields.of("Content-Type", "text/plain");
    /** The head {@link #handler} gives a body of {@code length} bytes. */
    private static final String HEAD_WITHOUT_LENGTH = "HTTP/1.1 200 OK\r\n" + DATE + "Content-Type: text/plain\r\n"
            + SECURITY + "Content-Length: ";

    private static int headSize(int bodyLength) {
        return HEAD_WITHOUT_LENGTH.length() + String.valueOf(bodyLength).length() + 4;
    }

    /** A body of {@code n} bytes cycling through the alphabet, so misplaced bytes show. */
    private static String body(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    private static String response(String body) {
        return HEAD_WITHOUT_LENGTH + body.length() + "\r\n\r\n" + body;
    }

    /** Answers "/N" with a body of N bytes; the same response object every time for one N. */
    private static HttpHandler sizedBodies() {
        java.util.Map<Integer, HttpResponse> shared = new java.util.concurrent.ConcurrentHashMap<>();
        return request -> shared.computeIfAbsent(Integer.parseInt(request.path().substring(1)),
                n -> new HttpResponse(200, FIELDS, new HttpResponse.Bytes(
                        ByteBuffer.wrap(body(n).getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer())));
    }

    @Test
    void responsesUpToTheOutputBufferLeaveInOneWriteAndLargerOnesGathered() throws Exception {
        int fits = Http1Connection.OUT_SIZE - headSize(Http1Connection.OUT_SIZE);
        try (var s = new TestSupport.Running(transport, sizedBodies(), TestSupport.options()); var c = s.connect()) {
            int calls = 0;
            for (int n : new int[] {0, 1, 925, fits - 1, fits, fits + 1, 100_000}) {
                String expected = response(body(n));
                assertEquals(expected, exchange(c, "GET /" + n + " HTTP/1.1\r\nHost: x\r\n\r\n", expected), "body " + n);
                calls++;
                if (s.tcp != null) {
                    assertEquals(calls, s.tcp.lastServerEnd.writeCalls.get(), "one write for a body of " + n);
                }
            }
            assertEquals(Http1Connection.OUT_SIZE, headSize(fits) + fits);
        }
    }

    @Test
    void aSharedBodyBufferIsSentAgainUnchanged() throws Exception {
        ByteBuffer data = ByteBuffer.wrap("shared body".getBytes(StandardCharsets.US_ASCII));
        HttpResponse same = new HttpResponse(200, FIELDS, new HttpResponse.Bytes(data));
        try (var s = new TestSupport.Running(transport, request -> same, TestSupport.options()); var c = s.connect()) {
            String expected = response("shared body");
            for (String path : new String[] {"/small", "/small", "/again"}) {
                assertEquals(expected, exchange(c, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            }
            String head = expected.substring(0, expected.length() - "shared body".length());
            assertEquals(head, exchange(c, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", head));
        }
        assertEquals(0, data.position());
        assertEquals(11, data.limit());
    }

    @Test
    void headsTooLargeForTheOutputBufferStillGoOutWhole() throws Exception {
        String big = "v".repeat(Http1Connection.OUT_SIZE);
        HttpResponse response = new HttpResponse(200, HttpFields.of("X-Big", big),
                new HttpResponse.Bytes(ByteBuffer.wrap(new byte[] {'o', 'k'})));
        try (var s = new TestSupport.Running(transport, request -> response, TestSupport.options()); var c = s.connect()) {
            String expected = "HTTP/1.1 200 OK\r\n" + DATE + "X-Big: " + big + "\r\n" + SECURITY
                    + "Content-Length: 2\r\n\r\nok";
            assertEquals(expected, exchange(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            String head = expected.substring(0, expected.length() - 2);
            assertEquals(head, exchange(c, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", head));
        }
    }

    @Test
    void pipelinedResponsesBackedUpBehindASlowReaderArriveWholeAndInOrder() throws Exception {
        int[] sizes = {300_000, 5, 70_000, 0, 12_345, 200_000, 925};
        try (var s = new TestSupport.Running(transport, sizedBodies(), TestSupport.options()); var c = s.connect()) {
            StringBuilder requests = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int n : sizes) {
                requests.append("GET /").append(n).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                expected.append(response(body(n)));
            }
            c.write(TestSupport.ascii(requests.toString()));
            Thread.sleep(300); // the server's socket buffer fills: the rest waits for the reader
            String got = TestSupport.string(TestSupport.readN(c, expected.length()));
            assertEquals(expected.length(), got.length());
            assertEquals(expected.toString(), got);
        }
    }
}
