package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.http.HttpFields;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds the same generated heads to our parser and to Netty's {@link HttpRequestDecoder} and
 * fails on any disagreement on accept/reject or on the parsed method, target, version and
 * fields, except where we are deliberately stricter ({@link #STRICTER}).
 *
 * <p>The count is {@code -Dmorgana.differential.count} (default 5000; `make fuzz` asks 100k).
 */
@Timeout(120)
class NettyDifferentialTest {

    /**
     * Violations for which we reject what Netty accepts, on purpose (RFC 9112 allows or asks it).
     * Every other violation (field names, field values, Content-Length syntax, whitespace before
     * the colon, limits) Netty rejects too, and the test holds us to that agreement:
     * <ul>
     *   <li>BARE_LF: Netty accepts LF line ends; lenient line ends are a smuggling vector (§2.2).</li>
     *   <li>BARE_CR: Netty treats a lone CR as whitespace in places; §2.2 says reject or replace.</li>
     *   <li>TOO_MANY_EMPTY_LINES: Netty skips any amount of leading whitespace; we bound it.</li>
     *   <li>INVALID_REQUEST_LINE, INVALID_METHOD: Netty splits on runs of whitespace (SP, HTAB,
     *       VT, FF, CR); we require single SPs (§3).</li>
     *   <li>INVALID_TARGET: Netty accepts any non-whitespace target byte; we require VCHAR (§3.2).</li>
     *   <li>INVALID_VERSION, UNSUPPORTED_VERSION: Netty accepts any "NAME/x.y" (and lower case);
     *       we accept exactly HTTP/1.0 and HTTP/1.1.</li>
     *   <li>OBS_FOLD: Netty unfolds; §5.2 lets a server reject with 400.</li>
     *   <li>MISSING_HOST, DUPLICATE_HOST, INVALID_HOST: Netty does not check Host; §3.2 says 400.</li>
     *   <li>CONTENT_LENGTH_WITH_TRANSFER_ENCODING: Netty drops Content-Length; we refuse (§6.3).</li>
     *   <li>TRANSFER_ENCODING_IN_HTTP10: Netty decodes it; §6.1 says the framing is faulty.</li>
     *   <li>INVALID_TRANSFER_ENCODING, UNKNOWN_TRANSFER_CODING: Netty looks for "chunked" anywhere;
     *       we accept exactly "chunked" (501 for other codings, §6.1).</li>
     *   <li>DUPLICATE_CONTENT_LENGTH: Netty merges equal values ("0" and "00"); §6.3 lets us reject.</li>
     * </ul>
     */
    static final Set<Violation> STRICTER = EnumSet.of(
            Violation.BARE_LF, Violation.BARE_CR, Violation.TOO_MANY_EMPTY_LINES, Violation.INVALID_REQUEST_LINE,
            Violation.INVALID_METHOD, Violation.INVALID_TARGET, Violation.INVALID_VERSION,
            Violation.UNSUPPORTED_VERSION, Violation.OBS_FOLD, Violation.MISSING_HOST,
            Violation.DUPLICATE_HOST, Violation.INVALID_HOST, Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING,
            Violation.TRANSFER_ENCODING_IN_HTTP10, Violation.INVALID_TRANSFER_ENCODING,
            Violation.UNKNOWN_TRANSFER_CODING, Violation.DUPLICATE_CONTENT_LENGTH);

    /** What Netty made of the bytes. */
    sealed interface Verdict {
        record Accepted(String method, String target, int minor, HttpFields headers) implements Verdict {}

        record Rejected(String why) implements Verdict {}

        record Incomplete() implements Verdict {}
    }

    static Verdict netty(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384)));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            Object msg = channel.readInbound();
            try {
                if (msg == null) {
                    return new Verdict.Incomplete();
                }
                if (!(msg instanceof HttpRequest r)) {
                    return new Verdict.Rejected("unexpected " + msg.getClass().getSimpleName());
                }
                if (r.decoderResult().isFailure()) {
                    return new Verdict.Rejected(String.valueOf(r.decoderResult().cause()));
                }
                List<HttpFields.Field> fields = new ArrayList<>();
                r.headers().iteratorAsString().forEachRemaining(e -> fields.add(new HttpFields.Field(e.getKey(), e.getValue())));
                return new Verdict.Accepted(r.method().name(), r.uri(), r.protocolVersion().minorVersion(),
                        new HttpFields(fields));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    static ParseResult ours(byte[] input) {
        return new RequestParser(8192, 16384, 100).parse(input, 0, input.length);
    }

    /** Null if the two agree (or differ only where we are stricter), else a description. */
    static String disagreement(byte[] input, Map<Violation, Integer> stricterCounts) {
        ParseResult ours = ours(input);
        Verdict theirs = netty(input);
        String where = "input: " + printable(input) + "\nours: " + ours + "\nnetty: " + theirs;
        return switch (ours) {
            case ParseResult.Complete(RequestHead head, int length) -> {
                if (!(theirs instanceof Verdict.Accepted(String m, String t, int minor, HttpFields h))) {
                    yield "we accept, Netty does not\n" + where;
                }
                boolean same = head.method().equals(m) && head.target().equals(t) && head.versionMinor() == minor
                        && withoutContentLength(head.headers()).equals(withoutContentLength(h))
                        && contentLength(head.headers()) == contentLength(h);
                yield same ? null : "parsed differently\n" + where;
            }
            case ParseResult.Invalid(Violation v) -> {
                if (theirs instanceof Verdict.Accepted) {
                    if (STRICTER.contains(v)) {
                        stricterCounts.merge(v, 1, Integer::sum);
                        yield null;
                    }
                    yield "we reject (" + v + "), Netty accepts\n" + where;
                }
                yield null;
            }
            case ParseResult.NeedMore n -> theirs instanceof Verdict.Accepted
                    ? "Netty accepts what we find incomplete\n" + where : null;
        };
    }

    @Test
    void ourParserAgreesWithNettyOrIsDeliberatelyStricter() {
        int count = Integer.getInteger("morgana.differential.count", 5000);
        RequestCorpus corpus = new RequestCorpus(20261124L);
        Map<Violation, Integer> stricter = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < count && failures.size() < 5; i++) {
            byte[] input = corpus.next();
            String d = disagreement(input, stricter);
            if (d != null) {
                failures.add("#" + i + " " + d);
            }
            if (ours(input) instanceof ParseResult.Complete) {
                accepted++;
            }
        }
        System.out.println("differential: " + count + " inputs, " + accepted + " accepted by both, stricter: " + stricter);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        assertTrue(accepted > count / 3, "the corpus must exercise the accepting path too: " + accepted);
    }

    /** Netty rewrites Content-Length as a normalised number at the end; compare it apart. */
    static HttpFields withoutContentLength(HttpFields h) {
        return new HttpFields(h.fields().stream().filter(f -> !f.name().equalsIgnoreCase("content-length")).toList());
    }

    static long contentLength(HttpFields h) {
        return h.first("content-length").map(Long::parseLong).orElse(-1L);
    }

    static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xFF;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c < 0x20 || c > 0x7E) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.toString();
    }
}
