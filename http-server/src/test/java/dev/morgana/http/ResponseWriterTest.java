package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Clock;
import dev.morgana.types.http.HttpFields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResponseWriterTest {

    private final ResponseWriter writer = new ResponseWriter(new DateHeader(TestSupport.FIXED), HttpOptions.SECURITY_HEADERS);

    private static String text(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesStatusDateFieldsDefaultsLengthAndConnection() {
        assertEquals("HTTP/1.1 200 OK\r\n" + TestSupport.DATE + "Content-Type: text/html\r\nETag: \"x\"\r\n"
                        + TestSupport.SECURITY + "Content-Length: 42\r\n\r\n",
                text(writer.head(200, HttpFields.of("Content-Type", "text/html", "ETag", "\"x\""), 42,
                        ResponseWriter.Connection.PERSISTENT)));
        assertEquals("HTTP/1.1 404 Not Found\r\n" + TestSupport.DATE + TestSupport.SECURITY
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n",
                text(writer.head(404, HttpFields.EMPTY, 0, ResponseWriter.Connection.CLOSE)));
        assertEquals("HTTP/1.1 304 Not Modified\r\n" + TestSupport.DATE + TestSupport.SECURITY
                        + "Connection: keep-alive\r\n\r\n",
                text(writer.head(304, HttpFields.EMPTY, -1, ResponseWriter.Connection.KEEP_ALIVE)));
    }

    @Test
    void handlerFieldsOverrideDefaultsOfTheSameName() {
        assertEquals("HTTP/1.1 200 OK\r\n" + TestSupport.DATE + "referrer-policy: no-referrer\r\n"
                        + "X-Content-Type-Options: nosniff\r\nContent-Length: 1\r\n\r\n",
                text(writer.head(200, HttpFields.of("referrer-policy", "no-referrer"), 1,
                        ResponseWriter.Connection.PERSISTENT)));
    }

    @Test
    void refusesFieldsThatWouldSplitTheResponse() {
        for (HttpFields bad : new HttpFields[] {HttpFields.of("X", "a\r\nSet-Cookie: y"), HttpFields.of("X", "a\nb"),
            HttpFields.of("X", "caf\u00e9"), HttpFields.of("X Y", "a"), HttpFields.of("", "a"),
            HttpFields.of("Content-Length", "5"), HttpFields.of("transfer-encoding", "chunked"),
            HttpFields.of("Connection", "close"), HttpFields.of("Date", "x")}) {
            assertThrows(IllegalArgumentException.class,
                    () -> writer.head(200, bad, 0, ResponseWriter.Connection.PERSISTENT), bad.toString());
        }
    }

    @Test
    void unknownStatusesStillGetAReasonPhrase() {
        String head = text(writer.head(599, HttpFields.EMPTY, 0, ResponseWriter.Connection.PERSISTENT));
        assertEquals("HTTP/1.1 599 ", head.substring(0, 13));
        assertEquals(-1, head.indexOf('\n') - head.indexOf("\r\n") - 2);
    }

    @Test
    void dateIsFormattedOncePerSecond() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T03:35:57.100Z"));
        Clock clock = TestSupport.wallClock(now);
        DateHeader date = new DateHeader(clock);
        byte[] first = date.line();
        assertEquals(TestSupport.DATE, new String(first, StandardCharsets.US_ASCII));
        now.set(Instant.parse("2026-11-24T03:35:57.900Z"));
        assertSame(first, date.line());
        now.set(Instant.parse("2026-11-24T03:35:58.000Z"));
        assertEquals("Date: Tue, 24 Nov 2026 03:35:58 GMT\r\n", new String(date.line(), StandardCharsets.US_ASCII));
    }

    private static final ResponseWriter.Connection[] CONNECTIONS = ResponseWriter.Connection.values();

    @Test
    void preparedHeadsAreByteForByteTheGenericHeads() {
        HttpFields site = HttpFields.of("Vary", "Accept-Encoding", "ETag", "\"abc\"", "Content-Type", "image/svg+xml");
        for (HttpFields fields : new HttpFields[] {HttpFields.EMPTY, site, HttpFields.of("Referrer-Policy", "no-referrer")}) {
            for (int status : new int[] {200, 206, 304, 404, 503}) {
                for (long length : new long[] {-1, 0, 9, 10, 925, 4_194_304, Long.MAX_VALUE}) {
                    for (ResponseWriter.Connection connection : CONNECTIONS) {
                        ResponseWriter.Head head = writer.prepare(status, fields, length, connection);
                        ByteBuffer direct = ByteBuffer.allocateDirect(head.size() + 7).position(7);
                        head.writeTo(direct);
                        assertEquals(head.size() + 7, direct.position(), "size() is what writeTo() writes");
                        String expected = "HTTP/1.1 " + status + " " + io.netty.handler.codec.http.HttpResponseStatus
                                .valueOf(status).reasonPhrase() + "\r\n" + TestSupport.DATE
                                + expectedFields(fields)
                                + (length < 0 ? "" : "Content-Length: " + length + "\r\n")
                                + switch (connection) {
                                    case PERSISTENT -> "";
                                    case KEEP_ALIVE -> "Connection: keep-alive\r\n";
                                    case CLOSE -> "Connection: close\r\n";
                                } + "\r\n";
                        assertEquals(expected, text(direct.flip().position(7)));
                        assertEquals(expected, text(writer.head(status, fields, length, connection)));
                    }
                }
            }
        }
    }

    private static String expectedFields(HttpFields fields) {
        StringBuilder b = new StringBuilder();
        for (HttpFields.Field f : fields.fields()) {
            b.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        for (HttpFields.Field f : HttpOptions.SECURITY_HEADERS.fields()) {
            if (fields.first(f.name()).isEmpty()) {
                b.append(f.name()).append(": ").append(f.value()).append("\r\n");
            }
        }
        return b.toString();
    }

    @Test
    void decimalsAreWrittenWithoutStrings() {
        for (long n : new long[] {0, 1, 9, 10, 99, 100, 101, 925, 8011, 4_194_304, 1_000_000_000_000L, Long.MAX_VALUE}) {
            ByteBuffer out = ByteBuffer.allocate(40).put((byte) '<');
            ResponseWriter.putDecimal(out, n);
            out.put((byte) '>');
            assertEquals("<" + n + ">", text(out.flip()));
            assertEquals(Long.toString(n).length(), ResponseWriter.digits(n));
        }
    }

    @Test
    void preparedHeadsCarryTheDateOfTheirSecond() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T03:35:57.900Z"));
        Clock clock = TestSupport.wallClock(now);
        ResponseWriter w = new ResponseWriter(new DateHeader(clock), HttpOptions.SECURITY_HEADERS);
        HttpFields fields = HttpFields.of("Content-Type", "text/html");
        String before = text(w.head(200, fields, 5, ResponseWriter.Connection.PERSISTENT));
        now.set(Instant.parse("2026-11-24T03:35:58.000Z"));
        ResponseWriter.Head head = w.prepare(200, fields, 5, ResponseWriter.Connection.PERSISTENT);
        String after = text(head.writeTo(ByteBuffer.allocate(head.size())).flip());
        assertEquals(before.replace("03:35:57 GMT", "03:35:58 GMT"), after);
        assertEquals(TestSupport.DATE, before.substring(before.indexOf("Date: "), before.indexOf("GMT\r\n") + 5));
        now.set(Instant.parse("2026-11-25T00:00:00.000Z"));
        assertEquals(before.replace("Tue, 24 Nov 2026 03:35:57 GMT", "Wed, 25 Nov 2026 00:00:00 GMT"),
                text(w.head(200, fields, 5, ResponseWriter.Connection.PERSISTENT)));
    }
}
