package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.morgana.types.Console;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccessLogTest {

    @Test
    void commonLogTimeMatchesTheJdkFormatterOverFourMillennia() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter
                .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-62_135_596_800L, 253_402_300_800L); // years 1 to 9999
            assertEquals(reference.format(java.time.Instant.ofEpochSecond(second)), AccessLog.commonLogTime(second),
                    "at " + second);
        }
    }

    @Test
    void hostDropsThePort() {
        assertEquals("10.0.0.1", AccessLog.host("10.0.0.1:5000"));
        assertEquals("::1", AccessLog.host("[::1]:5000"));
        assertEquals("fe80::1", AccessLog.host("fe80::1"));
        assertEquals("unix", AccessLog.host("unix"));
    }

    @Test
    void quotedFieldsCannotForgeLines() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Console console = Console.of("list", lines::add);
        new AccessLog(console, TestSupport.FIXED).log("1.2.3.4:1", "GET /a\" HTTP/1.1", 200, 10,
                "x\ny", "caf\u00e9\\");
        assertEquals(List.of("1.2.3.4 - - [24/Nov/2026:03:35:57 +0000] \"GET /a\\\" HTTP/1.1\" 200 10 "
                + "\"x\\x0ay\" \"caf\\xe9\\\\\""), lines);
    }

    @Test
    void theTimeIsFormattedOncePerSecondAndFollowsTheClock() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-11-24T23:59:59.100Z"));
        dev.morgana.types.Clock clock = TestSupport.wallClock(now);
        List<String> lines = new CopyOnWriteArrayList<>();
        Console console = Console.of("list", lines::add);
        AccessLog log = new AccessLog(console, clock);
        String first = log.time();
        assertEquals("24/Nov/2026:23:59:59 +0000", first);
        now.set(java.time.Instant.parse("2026-11-24T23:59:59.999Z"));
        org.junit.jupiter.api.Assertions.assertSame(first, log.time());
        now.set(java.time.Instant.parse("2026-11-25T00:00:00Z"));
        log.log("1.2.3.4:1", "GET / HTTP/1.1", 304, 0, null, null);
        assertEquals(List.of("1.2.3.4 - - [25/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 304 - \"-\" \"-\""),
                lines);
    }
}
