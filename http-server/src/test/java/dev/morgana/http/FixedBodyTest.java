package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FixedBodyTest {

    private static final byte[] BYTES = "0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void takesExactlyItsLengthAcrossFeedsAndLeavesTheNextRequestsBytes() {
        BodyReader body = new RequestHead.Fixed(7).reader(100, 100);
        assertEquals(4, body.feed(BYTES, 0, 4));
        assertFalse(body.done());
        assertEquals(3, body.feed(BYTES, 4, 6), "stops where the body ends");
        assertTrue(body.done());
        assertNull(body.error());
        assertEquals(0, body.feed(BYTES, 7, 3));
    }

    @Test
    void noBodyIsDoneBeforeReading() {
        BodyReader body = new RequestHead.Fixed(0).reader(100, 100);
        assertTrue(body.done());
        assertEquals(0, body.feed(BYTES, 0, 10));
    }

    @Test
    void overTheLimitIsRefusedBeforeReading() {
        BodyReader body = new RequestHead.Fixed(101).reader(100, 100);
        assertEquals(Violation.BODY_TOO_LARGE, body.error());
        assertFalse(body.done());
        assertEquals(0, body.feed(BYTES, 0, 10));
    }

    @Test
    void chunkedFramingReadsChunks() {
        BodyReader body = new RequestHead.Chunked().reader(100, 100);
        byte[] chunked = "3\r\nabc\r\n0\r\n\r\nGET".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(chunked.length - 3, body.feed(chunked, 0, chunked.length));
        assertTrue(body.done());
    }
}
