package dev.morgana.http;

import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes one Combined Log Format line per request to the console:
 * {@code host - - [24/Nov/2026:03:35:57 +0000] "GET / HTTP/1.1" 200 1234 "referer" "agent"}.
 * Quoted fields are escaped (quote, backslash, control and non-ASCII characters) so that a
 * client cannot forge log lines.
 */
final class AccessLog {

    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /** The bracketed time of one second of the clock, formatted once for every line in it. */
    private record Stamp(long second, String text) {}

    private final Console console;
    private final Clock clock;
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    AccessLog(Console console, Clock clock) {
        this.console = console;
        this.clock = clock;
    }

    /**
     * @param requestLine "GET / HTTP/1.1", or null if none could be parsed
     * @param bytes body bytes sent
     */
    void log(String remote, String requestLine, int status, long bytes, String referer, String agent) {
        StringBuilder b = new StringBuilder(160);
        b.append(host(remote)).append(" - - [").append(time()).append("] ");
        quoted(b, requestLine);
        b.append(' ').append(status).append(' ');
        if (bytes > 0) {
            b.append(bytes);
        } else {
            b.append('-');
        }
        b.append(' ');
        quoted(b, referer);
        b.append(' ');
        quoted(b, agent);
        console.log(b.toString());
    }

    /** The log time of the clock's current second, formatted at most once per second. */
    String time() {
        Instant now = clock.now();
        Stamp s = stamp;
        if (s.second != now.getEpochSecond()) {
            s = new Stamp(now.getEpochSecond(), commonLogTime(now.getEpochSecond()));
            stamp = s;
        }
        return s.text;
    }

    /** The address without its port ("10.0.0.1:5000" → "10.0.0.1", "[::1]:5000" → "::1"). */
    static String host(String remote) {
        if (remote.startsWith("[")) {
            int close = remote.indexOf(']');
            return close > 0 ? remote.substring(1, close) : remote;
        }
        int colon = remote.lastIndexOf(':');
        return colon > 0 && remote.indexOf(':') == colon ? remote.substring(0, colon) : remote;
    }

    private static void quoted(StringBuilder b, String s) {
        b.append('"');
        if (s == null) {
            b.append('-');
        } else {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20 || c > 0x7E) {
                    b.append(String.format("\\x%02x", c & 0xFF));
                } else {
                    b.append(c);
                }
            }
        }
        b.append('"');
    }

    /**
     * "24/Nov/2026:03:35:57 +0000", written out: a DateTimeFormatter's first use loads the JDK's
     * locale data, tens of milliseconds on the first request's path.
     */
    static String commonLogTime(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(26);
        twoDigits(b, t.getDayOfMonth()).append('/').append(MONTHS[t.getMonthValue() - 1]).append('/');
        twoDigits(b, t.getYear() / 100 % 100);
        twoDigits(b, t.getYear() % 100).append(':');
        twoDigits(b, t.getHour()).append(':');
        twoDigits(b, t.getMinute()).append(':');
        return twoDigits(b, t.getSecond()).append(" +0000").toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
