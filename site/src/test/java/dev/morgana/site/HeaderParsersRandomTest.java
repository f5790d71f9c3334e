package dev.morgana.site;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random header values never make the site's small parsers throw or leave their bounds. */
@Timeout(30)
class HeaderParsersRandomTest {

    private static final String ALPHABET = "bytes=0123456789-,; \tgzip*q=.identity\"W/abcGMT:JanThu";

    @Test
    void rangesStayInsideTheRepresentationAndNothingThrows() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(random.nextBoolean() ? "bytes=" : "");
            int n = random.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String value = b.toString();
            long length = random.nextInt(3) == 0 ? 0 : random.nextInt(1000);
            List<ByteRanges.Range> ranges = ByteRanges.parse(value, length);
            if (ranges != null) {
                assertTrue(ranges.size() <= ByteRanges.MAX_RANGES, value);
                for (ByteRanges.Range r : ranges) {
                    assertTrue(r.first() >= 0 && r.first() <= r.last() && r.last() < length, value + " " + r);
                }
            }
            ContentCodings.choose(value, random.nextBoolean());
            EntityTags.matches(value, "\"abc\"", random.nextBoolean());
            HttpDates.parse(value);
        }
    }
}
