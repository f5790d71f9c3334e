package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Jazzer fuzz test of the parser and the chunked body reader. In a normal test run it replays
 * the seeds under src/test/resources/.../RequestParserFuzzTestInputs; with JAZZER_FUZZ=1 it
 * fuzzes (`make fuzz`). Invariants: no exception, the result does not depend on how the bytes
 * were split into reads, a complete head never claims more bytes than given, and an accepted
 * head has the parser's guarantees (token method, version 1.0 or 1.1, Host for 1.1).
 */
class RequestParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parserNeverFailsAndIsSplitIndependent(byte[] input) {
        ParseResult whole = new RequestParser(256, 512, 16).parse(input, 0, input.length);
        ParseResult split = feedInPieces(input);
        assertEquals(whole, split);
        if (whole instanceof ParseResult.Complete(RequestHead head, int length)) {
            assertTrue(length > 0 && length <= input.length);
            assertTrue(Ascii.isToken(head.method()));
            assertTrue(head.versionMinor() == 0 || head.versionMinor() == 1);
            assertTrue(head.versionMinor() == 0 || head.headers().all("Host").size() == 1);
            RequestTarget.parse(head.target());
            if (head.framing() instanceof RequestHead.Chunked) {
                ChunkedBody body = new ChunkedBody(1 << 16, 512);
                int used = body.feed(input, length, input.length - length);
                assertTrue(used >= 0 && used <= input.length - length);
            }
        }
    }

    /** Feeds growing prefixes whose sizes come from the input itself. */
    private static ParseResult feedInPieces(byte[] input) {
        RequestParser parser = new RequestParser(256, 512, 16);
        int n = 0;
        int step = 1 + (input.length == 0 ? 0 : (input[0] & 7));
        ParseResult r = ParseResult.NEED_MORE;
        while (n < input.length) {
            n = Math.min(input.length, n + step);
            r = parser.parse(Arrays.copyOf(input, n), 0, n);
            if (!(r instanceof ParseResult.NeedMore)) {
                return r;
            }
        }
        return r;
    }
}
