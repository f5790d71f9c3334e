package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.http.HttpDate;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Date;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shared HTTP date formatter and our reason phrases, checked against Netty's as an independent oracle. */
class NettyOracleTablesTest {

    @Test
    void httpDateMatchesNettysFormatterOverEightMillennia() {
        SplittableRandom random = new SplittableRandom(42);
        long max = 253_402_300_799L; // 9999-12-31T23:59:59Z
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(0, max + 1);
            assertEquals(DateFormatter.format(new Date(second * 1000)), HttpDate.format(second), "at " + second);
        }
    }

    @Test
    void httpDateGetsTheCalendarEdgesRight() {
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDate.format(0));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(784_111_777));
        assertEquals("Tue, 29 Feb 2000 12:00:00 GMT", HttpDate.format(951_825_600));
        assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", HttpDate.format(253_402_300_799L));
        assertThrows(IllegalArgumentException.class, () -> HttpDate.format(253_402_300_800L));
    }

    @Test
    void reasonPhrasesMatchNettysForEveryCodeBothDefine() {
        java.util.List<String> mismatches = new java.util.ArrayList<>();
        for (int code = 100; code < 600; code++) {
            HttpResponseStatus netty = HttpResponseStatus.valueOf(code);
            String ours = ReasonPhrases.of(code);
            // RFC 9110 renamed these after Netty's table was written (RFC 2616/4918 names)
            String expected = switch (code) {
                case 413 -> "Content Too Large";
                case 414 -> "URI Too Long";
                case 416 -> "Range Not Satisfiable";
                case 422 -> "Unprocessable Content";
                default -> netty.reasonPhrase();
            };
            if (isDefinedByBoth(code, netty) && !expected.equals(ours)) {
                mismatches.add(code + ": " + expected + " / " + ours);
            }
        }
        assertEquals(java.util.List.of(), mismatches, "status: Netty's (RFC 9110 renames applied) / ours");
    }

    private static boolean isDefinedByBoth(int code, HttpResponseStatus netty) {
        // Netty names codes it does not know "<class phrase> (<code>)"
        boolean generic = netty.reasonPhrase().endsWith("(" + code + ")");
        String ours = ReasonPhrases.of(code);
        boolean oursGeneric = ours.equals("Informational") || ours.equals("Success") || ours.equals("Redirection")
                || ours.equals("Client Error") || ours.equals("Server Error");
        return !generic && !oursGeneric;
    }
}
