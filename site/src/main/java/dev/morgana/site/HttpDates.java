package dev.morgana.site;

import dev.morgana.types.http.HttpDate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, IMF-fixdate, RFC 850 and asctime in.
 *
 * <p>Formatting is {@link HttpDate}'s, written out: the first response carries a Last-Modified
 * date, and a formatter's first use loads the JDK's locale data. The parsers, needed only by
 * conditional requests, are built on first use.
 */
final class HttpDates {

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
        try {
            return HttpDate.format(t.getEpochSecond());
        } catch (IllegalArgumentException e) {
            return Parsers.IMF.format(t); // outside the four digits the format has room for
        }
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
