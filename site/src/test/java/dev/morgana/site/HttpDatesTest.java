package dev.morgana.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpDatesTest {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Test
    void formatsRfc9110sExample() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(Instant.parse("1994-11-06T08:49:37.999Z")));
    }

    @Test
    void formatsLikeTheJdksFormatterAcrossFourDigitYears() {
        Random random = new Random(11);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (long s : new long[] {min, max, 0, -1, 951_782_400 /* 2000-02-29 */, 4_107_542_399L}) {
            Instant t = Instant.ofEpochSecond(s);
            assertEquals(REFERENCE.format(t), HttpDates.format(t), t.toString());
        }
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(min + Math.floorMod(random.nextLong(), max - min + 1));
            assertEquals(REFERENCE.format(t), HttpDates.format(t), t.toString());
        }
    }

    @Test
    void parsesWhatItFormats() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(t, HttpDates.parse(HttpDates.format(t)));
        assertEquals(t, HttpDates.parse("Thursday, 01-Jan-26 00:00:00 GMT"));
        assertEquals(t, HttpDates.parse("Thu Jan  1 00:00:00 2026"));
        assertEquals(null, HttpDates.parse("yesterday"));
    }
}
