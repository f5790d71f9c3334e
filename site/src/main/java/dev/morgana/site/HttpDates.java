package dev.morgana.site;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, IMF-fixdate, RFC 850 and asctime in.
 *
 * <p>Formatting is written out rather than done by a {@link DateTimeFormatter}: the first
 * response carries a Last-Modified date, and a formatter's first use loads and initialises the
 * JDK's locale data for the day and month names, some 20-30 ms of interpreted work at start.
 * The parsers, needed only by conditional requests, are built on first use.
 */
final class HttpDates {

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final long SECONDS_PER_DAY = 86_400;

    private HttpDates() {}

    /** The parsers, in the order RFC 9110 lists the formats; built when first needed. */
    private static final class Parsers {
        static final DateTimeFormatter IMF =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
        static final DateTimeFormatter[] ALL = {
            IMF,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC),
        };
    }

    /** {@code t} as an IMF-fixdate, such as "Sun, 06 Nov 1994 08:49:37 GMT" (fractions dropped). */
    static String format(Instant t) {
        long seconds = t.getEpochSecond();
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(days);
        if (date.getYear() < 1 || date.getYear() > 9999) {
            return Parsers.IMF.format(t); // outside the four digits the format has room for
        }
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[(int) Math.floorMod(days + 3, 7)]).append(", "); // 1970-01-01 was a Thursday
        twoDigits(b, date.getDayOfMonth()).append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ');
        int year = date.getYear();
        twoDigits(b, year / 100);
        twoDigits(b, year % 100).append(' ');
        twoDigits(b, secondOfDay / 3600).append(':');
        twoDigits(b, secondOfDay / 60 % 60).append(':');
        return twoDigits(b, secondOfDay % 60).append(" GMT").toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** The instant named by {@code value}, or null if it is not an HTTP date (then ignored). */
    static Instant parse(String value) {
        if (value == null || value.length() > 64) {
            return null;
        }
        for (DateTimeFormatter f : Parsers.ALL) {
            try {
                return Instant.from(f.parse(value));
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }
}
