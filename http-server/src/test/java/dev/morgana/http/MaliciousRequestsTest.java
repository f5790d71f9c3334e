package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.site.StaticSite;
import dev.morgana.types.Console;
import java.io.ByteArrayOutputStream;
import dev.morgana.types.Flow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of malicious and malformed requests, each with the status it must get and whether the
 * connection must then close. Where the connection must stay open, a follow-up request on it
 * must get the index page: smuggled bytes never become a request.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(TestSupport.Transport.class)
class MaliciousRequestsTest {

    private static final String H = "Host: x\r\n";
    private static TestSupport.Running server;

    @Parameter
    TestSupport.Transport transport;

    /** One server per transport, shared by the corpus; started by the transport's first case. */
    @BeforeEach
    void start() throws Exception {
        if (server != null) {
            return;
        }
        MiniStore store = new MiniStore().put("index.html", "<p>home</p>").put("docs/keys.html", "<p>keys</p>");
        server = new TestSupport.Running(transport, new StaticSite(Console.of("list", line -> {}), store, null).handler(),
                TestSupport.options());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        server = null;
    }

    private static Arguments c(String name, String request, int status, boolean closes) {
        return Arguments.of(name, request, status, closes);
    }

    private static String get(String headers) {
        return "GET / HTTP/1.1\r\n" + headers + "\r\n";
    }

    static Stream<Arguments> corpus() {
        String big = "a".repeat(9000);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        return Stream.of(
                // Framing: Content-Length and Transfer-Encoding (RFC 9112 §6)
                c("CL then TE", get(H + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n"), 400, true),
                c("TE then CL", get(H + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"), 400, true),
                c("duplicate equal CL", get(H + "Content-Length: 0\r\nContent-Length: 0\r\n"), 400, true),
                c("duplicate different CL", get(H + "Content-Length: 0\r\nContent-Length: 5\r\n"), 400, true),
                c("CL list", get(H + "Content-Length: 5, 5\r\n"), 400, true),
                c("CL negative", get(H + "Content-Length: -1\r\n"), 400, true),
                c("CL plus sign", get(H + "Content-Length: +0\r\n"), 400, true),
                c("CL hex", get(H + "Content-Length: 0x0\r\n"), 400, true),
                c("CL inner space", get(H + "Content-Length: 1 2\r\n"), 400, true),
                c("CL overflow", get(H + "Content-Length: 99999999999999999999\r\n"), 400, true),
                c("CL empty", get(H + "Content-Length:\r\n"), 400, true),
                c("CL beyond body limit", get(H + "Content-Length: 2000000\r\n"), 413, true),
                c("TE in HTTP/1.0", "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, true),
                c("TE chunked twice in one field", get(H + "Transfer-Encoding: chunked, chunked\r\n"), 400, true),
                c("TE in two fields", get(H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400, true),
                c("TE identity", get(H + "Transfer-Encoding: identity\r\n"), 400, true),
                c("TE unknown then chunked", get(H + "Transfer-Encoding: gzip, chunked\r\n"), 501, true),
                c("TE chunked not last", get(H + "Transfer-Encoding: chunked, gzip\r\n"), 400, true),
                c("TE xchunked", get(H + "Transfer-Encoding: xchunked\r\n"), 400, true),
                c("TE quoted", get(H + "Transfer-Encoding: \"chunked\"\r\n"), 400, true),
                c("TE with VT", get(H + "Transfer-Encoding: chunked\u000b\r\n"), 400, true),
                c("TE empty list element", get(H + "Transfer-Encoding: ,chunked\r\n"), 400, true),
                c("TE space before colon", get(H + "Transfer-Encoding : chunked\r\n"), 400, true),
                c("CL space before colon", get(H + "Content-Length : 0\r\n"), 400, true),
                c("TE tab before colon", get(H + "Transfer-Encoding\t: chunked\r\n"), 400, true),
                c("TE folded", get(H + "Transfer-Encoding: identity\r\n chunked\r\n"), 400, true),
                // Chunked bodies (RFC 9112 §7.1)
                c("chunk size not hex", get(H + "Transfer-Encoding: chunked\r\n") + "zz\r\n", 400, true),
                c("chunk size with space", get(H + "Transfer-Encoding: chunked\r\n") + "0 \r\n\r\n", 400, true),
                c("chunk size overflow", get(H + "Transfer-Encoding: chunked\r\n") + "1".repeat(17) + "\r\n", 400, true),
                c("chunk size negative", get(H + "Transfer-Encoding: chunked\r\n") + "-1\r\n", 400, true),
                c("chunk extension with LF", get(H + "Transfer-Encoding: chunked\r\n") + "1;a\nb\r\nx\r\n", 400, true),
                c("chunk size bare LF", get(H + "Transfer-Encoding: chunked\r\n") + "1\nx\r\n0\r\n\r\n", 400, true),
                c("chunk data without CRLF", get(H + "Transfer-Encoding: chunked\r\n") + "1\r\nxy0\r\n\r\n", 400, true),
                c("chunked beyond body limit", get(H + "Transfer-Encoding: chunked\r\n") + "200000\r\n", 413, true),
                // Line endings and control characters (RFC 9112 §2.2, §5)
                c("bare LF everywhere", "GET / HTTP/1.1\nHost: x\n\n", 400, true),
                c("bare LF after a field", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400, true),
                c("bare CR in value", get(H + "X: a\rb\r\n"), 400, true),
                c("bare CR in request line", "GET /\r HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("NUL in value", get(H + "X: a\u0000b\r\n"), 400, true),
                c("DEL in value", get(H + "X: a\u007fb\r\n"), 400, true),
                c("obs-fold", get(H + "X: a\r\n b\r\n"), 400, true),
                c("obs-fold with tab", get(H + "X: a\r\n\tb\r\n"), 400, true),
                c("field without colon", get(H + "NoColon\r\n"), 400, true),
                c("field with empty name", get(H + ": v\r\n"), 400, true),
                c("non-ASCII field name", get(H + "X\u00e9: v\r\n"), 400, true),
                c("unknown expectation", get(H + "Expect: 200-ok\r\n"), 417, true),
                c("too many empty lines first", "\r\n".repeat(6) + get(H), 400, true),
                // Request line (RFC 9112 §3)
                c("non-ASCII method", "G\u00c9T / HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("non-ASCII target", "GET /\u00e9 HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("NUL in target", "GET /\u0000 HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("space before method", " GET / HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("double space", "GET  / HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("tab separator", "GET\t/ HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("HTTP/0.9 request", "GET /\r\n\r\n", 400, true),
                c("HTTP/2.0 version", "GET / HTTP/2.0\r\n" + H + "\r\n", 505, true),
                c("lower-case version", "GET / http/1.1\r\n" + H + "\r\n", 400, true),
                c("trailing space after version", "GET / HTTP/1.1 \r\n" + H + "\r\n", 400, true),
                c("TLS hello on the HTTP port", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003\r\n\r\n", 400, true),
                c("request line too long", "GET /" + big + " HTTP/1.1\r\n" + H + "\r\n", 414, true),
                c("field too large", get(H + "X: " + big + big + "\r\n"), 431, true),
                c("too many fields", get(H + many), 431, true),
                // Host (RFC 9112 §3.2)
                c("no Host in HTTP/1.1", get(""), 400, true),
                c("two Hosts", get(H + "Host: y\r\n"), 400, true),
                c("Host with slash", get("Host: x/y\r\n"), 400, true),
                c("Host with userinfo", get("Host: u@x\r\n"), 400, true),
                // Targets and paths
                c("dot-dot traversal", "GET /../etc/passwd HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("encoded dot-dot", "GET /%2e%2e/etc/passwd HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("encoded slash", "GET /docs%2fkeys.html HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("backslashes", "GET /..\\..\\etc HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("encoded backslash", "GET /docs%5ckeys.html HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("encoded NUL", "GET /index.html%00.txt HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("bad percent escape", "GET /%zz HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("overlong UTF-8 dots", "GET /%c0%ae%c0%ae/x HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("fragment", "GET /#x HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("authority-form CONNECT", "CONNECT x:443 HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("asterisk with GET", "GET * HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("absolute-form with userinfo", "GET http://u@x/ HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("absolute-form ftp", "GET ftp://x/ HTTP/1.1\r\n" + H + "\r\n", 400, true),
                c("empty segments", "GET //docs//keys.html HTTP/1.1\r\n" + H + "\r\n", 404, false),
                // Handled without closing: the follow-up request must be served normally
                c("lower-case method", "get / HTTP/1.1\r\n" + H + "\r\n", 405, false),
                c("TRACE", "TRACE / HTTP/1.1\r\n" + H + "\r\n", 405, false),
                c("POST with a body", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\n\r\nhello", 405, false),
                c("request smuggled in a CL body", get(H + "Content-Length: 34\r\n")
                        + "GET /docs/keys.html HTTP/1.1\r\nX: y", 200, false),
                c("request smuggled in a chunk", get(H + "Transfer-Encoding: chunked\r\n")
                        + "22\r\nGET /docs/keys.html HTTP/1.1\r\nX: y\r\n0\r\nTrailer: x\r\n\r\n", 200, false),
                c("obs-text value", get(H + "X: caf\u00e9\r\n"), 200, false),
                c("absolute-form", "GET http://x/docs/keys.html HTTP/1.1\r\n" + H + "\r\n", 200, false),
                c("Connection close", get(H + "Connection: close\r\n"), 200, true));
    }

    @Test
    void corpusHasAtLeastSixtyCases() {
        assertTrue(corpus().count() >= 60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void getsTheExpectedStatusAndConnectionOutcome(String name, String request, int status, boolean closes)
            throws IOException {
        try (Flow c = server.connect()) {
            c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            Response r = Response.read(c);
            assertEquals(status, r.status, name + ": " + r.head);
            if (closes) {
                assertTrue(r.head.contains("\r\nConnection: close\r\n"), name + ": " + r.head);
                assertTrue(TestSupport.atEof(c), name + ": connection must close");
            } else {
                c.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                Response next = Response.read(c);
                assertEquals(200, next.status, name + ": follow-up " + next.head);
                assertEquals("<p>home</p>", next.body, name);
            }
        }
    }

    /** A response read from the wire: head until the empty line, then Content-Length bytes. */
    record Response(int status, String head, String body) {
        static Response read(Flow flow) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                one.clear();
                if (flow.read(one) < 0) {
                    return new Response(-1, head.toString(StandardCharsets.ISO_8859_1), "");
                }
                head.write(one.array()[0]);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            List<String> lines = new ArrayList<>(List.of(h.split("\r\n")));
            for (String line : lines) {
                if (line.regionMatches(true, 0, "Content-Length: ", 0, 16)) {
                    length = Integer.parseInt(line.substring(16));
                }
            }
            String body = TestSupport.string(TestSupport.readN(flow, length));
            return new Response(Integer.parseInt(h.substring(9, 12)), h, body);
        }
    }
}
