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
        Clock clock = new Clock() {
            @Override
            public Instant now() {
                return now.get();
            }

            @Override
            public long monotonicNanos() {
                return 0;
            }
        };
        DateHeader date = new DateHeader(clock);
        byte[] first = date.line();
        assertEquals(TestSupport.DATE, new String(first, StandardCharsets.US_ASCII));
        now.set(Instant.parse("2026-11-24T03:35:57.900Z"));
        assertSame(first, date.line());
        now.set(Instant.parse("2026-11-24T03:35:58.000Z"));
        assertEquals("Date: Tue, 24 Nov 2026 03:35:58 GMT\r\n", new String(date.line(), StandardCharsets.US_ASCII));
    }
}
