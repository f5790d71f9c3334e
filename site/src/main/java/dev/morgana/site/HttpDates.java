package dev.morgana.site;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, IMF-fixdate, RFC 850 and asctime in. */
final class HttpDates {

    private static final DateTimeFormatter IMF =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC850 =
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {}

    static String format(Instant t) {
        return IMF.format(t);
    }

    /** The instant named by {@code value}, or null if it is not an HTTP date (then ignored). */
    static Instant parse(String value) {
        if (value == null || value.length() > 64) {
            return null;
        }
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
            try {
                return Instant.from(f.parse(value));
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }
}
