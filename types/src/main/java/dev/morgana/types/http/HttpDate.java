package dev.morgana.types.http;

import java.time.LocalDate;

/**
 * HTTP's preferred date format, IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT",
 * for the server's Date and the site's Last-Modified.
 *
 * <p>Written out rather than done by a {@link java.time.format.DateTimeFormatter}: a formatter's
 * first use loads the JDK's locale data for day and month names, tens of milliseconds of
 * interpreted work on the first response's path.
 */
public final class HttpDate {

    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final long SECONDS_PER_DAY = 86_400;

    private HttpDate() {}

    /**
     * The IMF-fixdate of {@code epochSecond} (UTC).
     *
     * @throws IllegalArgumentException if the year is outside 0001-9999, which the format's four
     *     digits cannot hold
     */
    public static String format(long epochSecond) {
        long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 1 || year > 9999) {
            throw new IllegalArgumentException("year out of range for IMF-fixdate: " + year);
        }
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[(int) Math.floorMod(days, 7)]).append(", "); // 1970-01-01 was a Thursday
        twoDigits(b, date.getDayOfMonth()).append(' ').append(MONTHS[date.getMonthValue() - 1]).append(' ');
        twoDigits(b, year / 100);
        twoDigits(b, year % 100).append(' ');
        twoDigits(b, secondOfDay / 3600).append(':');
        twoDigits(b, secondOfDay / 60 % 60).append(':');
        return twoDigits(b, secondOfDay % 60).append(" GMT").toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
