package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ChunkedBodyTest {

    private static byte[] bytes(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsChunksExtensionsAndTrailersAndStopsAtTheEnd() {
        byte[] b = bytes("5\r\nhello\r\nA;name=\"v\"\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nNEXT");
        ChunkedBody body = new ChunkedBody(100, 100);
        assertEquals(b.length - 4, body.feed(b, 0, b.length));
        assertTrue(body.done());
        assertNull(body.error());
    }

    @Test
    void byteByByteGivesTheSameResult() {
        byte[] b = bytes("3\r\nabc\r\n0\r\n\r\n");
        ChunkedBody body = new ChunkedBody(100, 100);
        for (int i = 0; i < b.length; i++) {
            assertEquals(1, body.feed(b, i, 1));
        }
        assertTrue(body.done());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x\\r\\n|INVALID_CHUNK",
        "\\r\\n|INVALID_CHUNK",
        "' 5\\r\\nhello\\r\\n0\\r\\n\\r\\n'|INVALID_CHUNK",
        "5 \\r\\nhello\\r\\n0\\r\\n\\r\\n|INVALID_CHUNK",
        "5\\nhello\\r\\n0\\r\\n\\r\\n|INVALID_CHUNK",
        "5\\r\\nhelloXX0\\r\\n\\r\\n|INVALID_CHUNK",
        "5\\r\\nhello\\n0\\r\\n\\r\\n|INVALID_CHUNK",
        "5;a\\rb\\r\\nhello\\r\\n|INVALID_CHUNK",
        "5;a\\nb\\r\\nhello\\r\\n|INVALID_CHUNK",
        "1000000000000000\\r\\n|INVALID_CHUNK",
        "-1\\r\\n|INVALID_CHUNK",
        "0x5\\r\\n|INVALID_CHUNK",
        "0\\r\\nX: a\\nb\\r\\n\\r\\n|INVALID_CHUNK",
        "65\\r\\n|BODY_TOO_LARGE",
        "50\\r\\n|BODY_TOO_LARGE"})
    void rejectsMalformedOrOversizedBodies(String input, Violation expected) {
        byte[] b = bytes(input);
        ChunkedBody body = new ChunkedBody(64, 100);
        body.feed(b, 0, b.length);
        assertEquals(expected, body.error());
    }

    @Test
    void boundsTheTrailerSection() {
        byte[] b = bytes("0\r\nX: " + "a".repeat(200) + "\r\n\r\n");
        ChunkedBody body = new ChunkedBody(64, 100);
        body.feed(b, 0, b.length);
        assertEquals(Violation.HEADERS_TOO_LARGE, body.error());
    }

    @Test
    void boundsTheFramingAroundTinyChunks() {
        String chunk = "1;" + "e".repeat(1000) + "\r\nx\r\n";
        ChunkedBody body = new ChunkedBody(64, 100);
        byte[] b = bytes(chunk);
        int fed = 0;
        for (int i = 0; i < 100 && body.error() == null; i++) {
            body.feed(b, 0, b.length);
            fed++;
        }
        assertEquals(Violation.BODY_TOO_LARGE, body.error());
        assertTrue(fed < 100);
    }

    @Test
    void boundsExtensions() {
        byte[] b = bytes("1;" + "a".repeat(2000) + "\r\n");
        ChunkedBody body = new ChunkedBody(64, 100);
        body.feed(b, 0, b.length);
        assertEquals(Violation.INVALID_CHUNK, body.error());
    }
}
