package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.morgana.types.http.HttpFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class RequestParserTest {

    private static RequestParser parser() {
        return new RequestParser(100, 200, 5);
    }

    private static ParseResult parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return parser().parse(b, 0, b.length);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET", "/", 1, HttpFields.of("Host", "a"), new RequestHead.Fixed(0), true),
                Arguments.of("HEAD /x?y=1 HTTP/1.0\r\n\r\n",
                        "HEAD", "/x?y=1", 0, HttpFields.EMPTY, new RequestHead.Fixed(0), false),
                Arguments.of("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                        "GET", "/", 0, HttpFields.of("Connection", "Keep-Alive"), new RequestHead.Fixed(0), true),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n",
                        "GET", "/", 1, HttpFields.of("Host", "a", "Connection", "foo, close"),
                        new RequestHead.Fixed(0), false),
                Arguments.of("\r\n\r\nGET / HTTP/1.1\r\nhost:a  \t\r\nX-Empty:\r\n\r\n",
                        "GET", "/", 1, HttpFields.of("host", "a", "X-Empty", ""), new RequestHead.Fixed(0), true),
                Arguments.of("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n",
                        "POST", "/f", 1, HttpFields.of("Host", "a", "Content-Length", "12"),
                        new RequestHead.Fixed(12), true),
                Arguments.of("POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n",
                        "POST", "/f", 1, HttpFields.of("Host", "a", "Transfer-Encoding", "Chunked"),
                        new RequestHead.Chunked(), true),
                Arguments.of("GET http://a.example/b HTTP/1.1\r\nHost: a.example\r\nX: caf\u00e9\r\n\r\n",
                        "GET", "http://a.example/b", 1, HttpFields.of("Host", "a.example", "X", "caf\u00e9"),
                        new RequestHead.Fixed(0), true),
                Arguments.of("OPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
                        "OPTIONS", "*", 1, HttpFields.of("Host", "[::1]:80"), new RequestHead.Fixed(0), true));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesValidHeads(String text, String method, String target, int minor, HttpFields headers,
                          RequestHead.Framing framing, boolean keepAlive) {
        ParseResult r = parse(text);
        var complete = assertInstanceOf(ParseResult.Complete.class, r);
        assertEquals(new RequestHead(method, target, minor, headers, framing, keepAlive), complete.head());
        assertEquals(text.length(), complete.length());
    }

    static Stream<Arguments> invalid() {
        String longTarget = "/" + "a".repeat(120);
        return Stream.of(
                Arguments.of("GET / HTTP/1.1\nHost: a\n\n", Violation.BARE_LF),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\n\r\n", Violation.BARE_LF),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", Violation.BARE_CR),
                Arguments.of("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", Violation.BARE_CR),
                Arguments.of("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n", Violation.TOO_MANY_EMPTY_LINES),
                Arguments.of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_METHOD),
                Arguments.of(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_METHOD),
                Arguments.of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_REQUEST_LINE),
                Arguments.of("GET /\r\nHost: a\r\n\r\n", Violation.INVALID_REQUEST_LINE),
                Arguments.of("GET /a\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_TARGET),
                Arguments.of("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_TARGET),
                Arguments.of("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", Violation.INVALID_VERSION),
                Arguments.of("GET / http/1.1\r\nHost: a\r\n\r\n", Violation.INVALID_VERSION),
                Arguments.of("GET / HTTP/2.0\r\nHost: a\r\n\r\n", Violation.UNSUPPORTED_VERSION),
                Arguments.of("GET / HTTP/1.2\r\nHost: a\r\n\r\n", Violation.UNSUPPORTED_VERSION),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", Violation.OBS_FOLD),
                Arguments.of("GET / HTTP/1.1\r\nHost : a\r\n\r\n", Violation.WHITESPACE_BEFORE_COLON),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX\u00e9: b\r\n\r\n", Violation.INVALID_FIELD_NAME),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", Violation.INVALID_FIELD_NAME),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", Violation.MISSING_COLON),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", Violation.INVALID_FIELD_VALUE),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n", Violation.INVALID_FIELD_VALUE),
                Arguments.of("GET / HTTP/1.1\r\n\r\n", Violation.MISSING_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", Violation.DUPLICATE_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", Violation.INVALID_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", Violation.INVALID_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                        Violation.DUPLICATE_CONTENT_LENGTH),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\n", Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n",
                        Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                        Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
                Arguments.of("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", Violation.TRANSFER_ENCODING_IN_HTTP10),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                        Violation.INVALID_TRANSFER_ENCODING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                        Violation.INVALID_TRANSFER_ENCODING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                        Violation.INVALID_TRANSFER_ENCODING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n",
                        Violation.INVALID_TRANSFER_ENCODING),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                        Violation.UNKNOWN_TRANSFER_CODING),
                Arguments.of("GET " + longTarget + " HTTP/1.1\r\nHost: a\r\n\r\n", Violation.REQUEST_LINE_TOO_LONG),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(200) + "\r\n\r\n", Violation.HEADERS_TOO_LARGE),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n",
                        Violation.TOO_MANY_HEADERS));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsMalformedHeads(String text, Violation expected) {
        assertEquals(new ParseResult.Invalid(expected), parse(text));
    }

    @Test
    void needsMoreUntilTheEmptyLine() {
        assertEquals(ParseResult.NEED_MORE, parse("GET / HTTP/1.1\r\nHost: a\r\n"));
        assertEquals(ParseResult.NEED_MORE, parse("GET / HTTP/1.1\r\nHost: a\r\n\r"));
        assertEquals(ParseResult.NEED_MORE, parse(""));
    }

    @Test
    void byteByByteFeedingGivesTheSameHead() {
        String text = "GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        RequestParser p = parser();
        for (int n = 1; n < b.length; n++) {
            assertEquals(ParseResult.NEED_MORE, p.parse(b, 0, n), "after " + n + " bytes");
        }
        assertEquals(parse(text), p.parse(b, 0, b.length));
    }

    @Test
    void tooLongLinesAreRejectedBeforeTheirEnd() {
        byte[] b = ("GET /" + "a".repeat(150)).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new ParseResult.Invalid(Violation.REQUEST_LINE_TOO_LONG), parser().parse(b, 0, b.length));
        byte[] h = ("GET / HTTP/1.1\r\nX: " + "a".repeat(250)).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new ParseResult.Invalid(Violation.HEADERS_TOO_LARGE), parser().parse(h, 0, h.length));
    }

    @Test
    void limitsAreExactAtTheirBoundaries() {
        String line100 = "GET /" + "a".repeat(100 - 14) + " HTTP/1.1";
        assertEquals(100, line100.length());
        assertInstanceOf(ParseResult.Complete.class, parse(line100 + "\r\nHost: a\r\n\r\n"));
        String line101 = "GET /" + "a".repeat(101 - 14) + " HTTP/1.1";
        assertEquals(new ParseResult.Invalid(Violation.REQUEST_LINE_TOO_LONG), parse(line101 + "\r\nHost: a\r\n\r\n"));
        // 200 bytes of field lines, CRLFs included, is the limit
        String fields200 = "Host: a\r\nX: " + "b".repeat(200 - 9 - 5) + "\r\n";
        assertEquals(200, fields200.length());
        assertInstanceOf(ParseResult.Complete.class, parse("GET / HTTP/1.1\r\n" + fields200 + "\r\n"));
        String fields201 = "Host: a\r\nX: " + "b".repeat(201 - 9 - 5) + "\r\n";
        assertEquals(new ParseResult.Invalid(Violation.HEADERS_TOO_LARGE), parse("GET / HTTP/1.1\r\n" + fields201 + "\r\n"));
        String five = "Host: a\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n";
        assertInstanceOf(ParseResult.Complete.class, parse("GET / HTTP/1.1\r\n" + five + "\r\n"));
    }

    @Test
    void pipelinedHeadsAreParsedOneAfterTheOther() {
        String one = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
        String two = "HEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n";
        byte[] b = (one + two).getBytes(StandardCharsets.ISO_8859_1);
        RequestParser p = parser();
        var first = assertInstanceOf(ParseResult.Complete.class, p.parse(b, 0, b.length));
        assertEquals(one.length(), first.length());
        var second = assertInstanceOf(ParseResult.Complete.class, p.parse(b, first.length(), b.length - first.length()));
        assertEquals("/2", second.head().target());
        assertEquals(two.length(), second.length());
    }

    @Test
    void parsingAtAnOffsetReadsOnlyTheGivenBytes() {
        byte[] b = "xxxGET / HTTP/1.0\r\n\r\nyyy".getBytes(StandardCharsets.ISO_8859_1);
        var c = assertInstanceOf(ParseResult.Complete.class, new RequestParser(100, 100, 5).parse(b, 3, b.length - 6));
        assertEquals(List.of(), c.head().headers().fields());
        assertEquals(b.length - 6, c.length());
    }
}
