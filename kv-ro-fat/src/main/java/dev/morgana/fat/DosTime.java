package dev.morgana.fat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * FAT's packed date and time (two-second resolution, 1980..2107), read and written as UTC so
 * that images do not depend on the builder's or the server's time zone.
 */
final class DosTime {

    /** The earliest time FAT can store; also the stand-in for invalid stamps. */
    static final Instant MIN = Instant.parse("1980-01-01T00:00:00Z");
    /** The latest time FAT can store. */
    static final Instant MAX = Instant.parse("2107-12-31T23:59:58Z");

    private DosTime() {}

    /** The packed date (high 16 bits) and time (low 16 bits) of {@code t}, clamped to FAT's range. */
    static int pack(Instant t) {
        Instant clamped = t.isBefore(MIN) ? MIN : t.isAfter(MAX) ? MAX : t;
        LocalDateTime d = LocalDateTime.ofInstant(clamped, ZoneOffset.UTC);
        int date = (d.getYear() - 1980) << 9 | d.getMonthValue() << 5 | d.getDayOfMonth();
        int time = d.getHour() << 11 | d.getMinute() << 5 | d.getSecond() / 2;
        return date << 16 | time;
    }

    /** The instant of a packed date and time, or {@link #MIN} if the fields are no valid date. */
    static Instant unpack(int date, int time) {
        try {
            return LocalDateTime.of(1980 + (date >>> 9 & 0x7F), date >>> 5 & 0xF, date & 0x1F,
                    time >>> 11 & 0x1F, time >>> 5 & 0x3F, (time & 0x1F) * 2).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return MIN;
        }
    }
}
