package dev.morgana.http;

/**
 * HTTP's preferred date format, IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
 * Our own few lines instead of a formatter library: the server formats one date a second, and
 * this keeps the run-time class path free of Netty and java.time's formatter machinery.
 */
final class ImfFixdate {

    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private ImfFixdate() {}

    /** The date of {@code epochSecond} (UTC); years 0000 to 9999. */
    static String format(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        // 1970-01-01 was a Thursday, DAYS[0]
        String weekday = DAYS[(int) Math.floorMod(days, 7)];
        // civil-from-days (proleptic Gregorian), eras of 400 years starting on 0000-03-01
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year out of range for IMF-fixdate: " + year);
        }
        StringBuilder s = new StringBuilder(29).append(weekday).append(", ");
        two(s, day).append(' ').append(MONTHS[month - 1]).append(' ');
        two(s, (int) (year / 100));
        two(s, (int) (year % 100)).append(' ');
        two(s, secondOfDay / 3600).append(':');
        two(s, secondOfDay / 60 % 60).append(':');
        return two(s, secondOfDay % 60).append(" GMT").toString();
    }

    private static StringBuilder two(StringBuilder s, int n) {
        return s.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
