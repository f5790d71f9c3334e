package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InputWindowTest {

    private static final int READ = InputWindow.READ_SIZE;

    /** Reads {@code bytes} into the window as one read would, and checks the room it was given. */
    private static void read(InputWindow w, byte[] bytes) {
        ByteBuffer room = w.room();
        assertEquals(w.end(), room.position());
        assertEquals(w.capacity(), room.limit());
        room.put(bytes);
        assertTrue(w.received(bytes.length));
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    private static byte[] content(InputWindow w) {
        return Arrays.copyOfRange(w.array(), w.start(), w.end());
    }

    @Test
    void startsEmptyAtTheUsualSizeAndKeepsWhatIsRead() {
        InputWindow w = new InputWindow(8000);
        assertTrue(w.isEmpty());
        assertEquals(READ, w.capacity());
        assertEquals(8000 + READ, w.limit());
        byte[] first = "GET / HT".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "TP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        read(w, first);
        read(w, second);
        assertArrayEquals("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), content(w));
        assertEquals(16, w.available());
    }

    @Test
    void consumedBytesAreGoneAndTheRestStaysInPlace() {
        InputWindow w = new InputWindow(8000);
        byte[] data = pattern(100, 7);
        read(w, data);
        w.consume(40);
        assertEquals(40, w.start());
        assertArrayEquals(Arrays.copyOfRange(data, 40, 100), content(w));
        assertArrayEquals(Arrays.copyOfRange(data, 40, 100), w.unconsumed());
        w.consume(60);
        assertTrue(w.isEmpty());
    }

    @Test
    void unconsumedBytesMoveToTheFrontBeforeTheBufferGrows() {
        InputWindow w = new InputWindow(8000);
        byte[] data = pattern(READ, 3);
        read(w, data);
        w.consume(READ - 96);
        ByteBuffer room = w.room();
        assertEquals(READ, w.capacity(), "compacting made room: no growth");
        assertEquals(0, w.start());
        assertEquals(96, room.position());
        assertArrayEquals(Arrays.copyOfRange(data, READ - 96, READ), content(w));
    }

    @Test
    void aFullBufferOfUnconsumedBytesDoublesAndKeepsThem() {
        InputWindow w = new InputWindow(8000);
        byte[] data = pattern(READ, 5);
        read(w, data);
        read(w, new byte[] {42});
        assertEquals(2 * READ, w.capacity());
        byte[] expected = Arrays.copyOf(data, READ + 1);
        expected[READ] = 42;
        assertArrayEquals(expected, content(w));
    }

    @Test
    void growthStopsAtTheHeadLimitPlusOneReadWithAClearError() {
        InputWindow w = new InputWindow(5000); // limit 9096: 4096, 8192, then 9096
        read(w, pattern(READ, 1));
        read(w, pattern(2 * READ - READ, 2));
        assertEquals(2 * READ, w.capacity());
        read(w, pattern(5000 + READ - 2 * READ, 3));
        assertEquals(5000 + READ, w.capacity(), "the last step stops at the limit, not at twice");
        assertEquals(w.limit(), w.available());
        IllegalStateException e = assertThrows(IllegalStateException.class, w::room);
        assertEquals("request head larger than the parser's limits", e.getMessage());
        assertEquals(w.limit(), w.available(), "nothing lost by the refusal");
    }

    @Test
    void returnsToTheUsualSizeOnceEverythingIsConsumed() {
        InputWindow w = new InputWindow(8000);
        read(w, pattern(READ, 1));
        read(w, pattern(100, 2));
        assertEquals(2 * READ, w.capacity());
        w.consume(w.available());
        ByteBuffer room = w.room();
        assertEquals(READ, w.capacity());
        assertEquals(0, room.position());
        assertEquals(0, w.start());
    }

    @Test
    void endOfStreamChangesNothing() {
        InputWindow w = new InputWindow(8000);
        read(w, pattern(10, 1));
        w.room();
        assertFalse(w.received(-1));
        assertEquals(10, w.available());
    }

    @Test
    void refusesToConsumeOrReceiveMoreThanThereIs() {
        InputWindow w = new InputWindow(8000);
        read(w, pattern(10, 1));
        assertThrows(IllegalArgumentException.class, () -> w.consume(11));
        assertThrows(IllegalArgumentException.class, () -> w.consume(-1));
        w.room();
        assertThrows(IllegalArgumentException.class, () -> w.received(READ - 10 + 1));
        assertEquals(10, w.available());
        assertThrows(IllegalArgumentException.class, () -> new InputWindow(-1));
        assertThrows(IllegalArgumentException.class, () -> new InputWindow(Integer.MAX_VALUE));
    }

    @Test
    void loadsInputHandedOverAndGrowsForItUpToTheLimit() {
        InputWindow w = new InputWindow(8000);
        byte[] handed = pattern(6000, 9);
        w.load(handed, 1000, 6000);
        assertEquals(5000, w.capacity());
        assertArrayEquals(Arrays.copyOfRange(handed, 1000, 6000), content(w));
        w.load(handed, 0, 3);
        assertEquals(5000, w.capacity(), "a smaller load keeps the buffer");
        assertArrayEquals(Arrays.copyOf(handed, 3), content(w));
        byte[] tooMuch = new byte[w.limit() + 1];
        assertThrows(IllegalArgumentException.class, () -> w.load(tooMuch, 0, tooMuch.length));
    }

    /**
     * The invariant the window's limit relies on: fed one read at a time, the parser refuses an
     * endless header section (431) before the window runs out of room.
     */
    @Test
    void theParserRefusesAnOversizedHeadBeforeTheWindowIsFull() {
        HttpOptions options = HttpOptions.defaults();
        RequestParser parser = new RequestParser(options);
        InputWindow w = new InputWindow(parser.maxHeadBytes());
        byte[] head = "GET / HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] field = "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer stream = ByteBuffer.allocate(w.limit() * 2);
        stream.put(head);
        while (stream.remaining() >= field.length) {
            stream.put(field);
        }
        stream.flip();
        ParseResult result = new ParseResult.NeedMore();
        for (int reads = 0; result instanceof ParseResult.NeedMore && stream.hasRemaining(); reads++) {
            assertTrue(reads < 1000, "bounded");
            ByteBuffer room = w.room();
            int n = Math.min(room.remaining(), stream.remaining());
            room.put(stream.slice(stream.position(), n));
            stream.position(stream.position() + n);
            w.received(n);
            result = parser.parse(w.array(), w.start(), w.available());
        }
        ParseResult.Invalid invalid = assertInstanceOf(ParseResult.Invalid.class, result);
        assertEquals(431, invalid.violation().status());
    }
}
