package dev.morgana.http;

import dev.morgana.types.Clock;
import dev.morgana.types.http.HttpDate;
import java.nio.charset.StandardCharsets;

/**
 * The Date field line ("Date: Tue, 24 Nov 2026 03:35:57 GMT\r\n"), formatted at most once per
 * second of the injected clock. Thread-safe: the cached value is an immutable snapshot.
 */
final class DateHeader {

    private record Stamp(long second, byte[] line) {}

    private final Clock clock;
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, new byte[0]);

    DateHeader(Clock clock) {
        this.clock = clock;
    }

    /** The current field line, CRLF included; callers must not modify it. */
    byte[] line() {
        long second = clock.now().getEpochSecond();
        Stamp s = stamp;
        if (s.second != second) {
            String text = "Date: " + HttpDate.format(second) + "\r\n";
            s = new Stamp(second, text.getBytes(StandardCharsets.US_ASCII));
            stamp = s;
        }
        return s.line;
    }
}
