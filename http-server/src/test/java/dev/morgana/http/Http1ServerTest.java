package dev.morgana.http;

import static dev.morgana.http.TestSupport.DATE;
import static dev.morgana.http.TestSupport.SECURITY;
import static dev.morgana.http.TestSupport.ascii;
import static dev.morgana.http.TestSupport.atEof;
import static dev.morgana.http.TestSupport.exchange;
import static dev.morgana.http.TestSupport.readAll;
import static dev.morgana.http.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Console;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(20)
@ParameterizedClass
@EnumSource(TestSupport.Transport.class)
class Http1ServerTest {

    @Parameter
    TestSupport.Transport transport;

    private final List<HttpRequest> seen = new CopyOnWriteArrayList<>();

    /** Echoes the path; "/boom" throws; "/stream" streams 3 pieces; "/bad" sets a broken field. */
    private final HttpHandler handler = request -> {
        seen.add(request);
        return switch (request.path()) {
            case "/boom" -> throw new IllegalStateException("boom");
            case "/stream" -> new HttpResponse(200, HttpFields.of("Content-Type", "text/plain"),
                    new HttpResponse.Streamed(9, sink -> {
                        for (String s : List.of("abc", "def", "ghi")) {
                            sink.write(ascii(s));
                        }
                    }));
            case "/short" -> new HttpResponse(200, HttpFields.EMPTY,
                    new HttpResponse.Streamed(9, sink -> sink.write(ascii("abc"))));
            case "/bad" -> new HttpResponse(200, HttpFields.of("X", "a\r\nSet-Cookie: evil"), new HttpResponse.Empty());
            case "/101" -> new HttpResponse(101, HttpFields.EMPTY, new HttpResponse.Empty());
            case "/304" -> new HttpResponse(304, HttpFields.of("ETag", "\"t\""), new HttpResponse.Empty());
            default -> new HttpResponse(200, HttpFields.of("Content-Type", "text/plain"),
                    new HttpResponse.Bytes(ByteBuffer.wrap(request.path().getBytes(StandardCharsets.UTF_8))));
        };
    };

    private static String ok(String body, String extra) {
        return "HTTP/1.1 200 OK\r\n" + DATE + "Content-Type: text/plain\r\n" + SECURITY
                + "Content-Length: " + body.length() + "\r\n" + extra + "\r\n" + body;
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            for (String path : List.of("/a", "/bb", "/ccc")) {
                String expected = ok(path, "");
                assertEquals(expected, exchange(c, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            }
            c.shutdownOutput();
            assertTrue(atEof(c));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/1", "") + ok("/22", "") + ok("/333", "Connection: close\r\n");
            c.write(ascii("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /22 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /333 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            assertEquals(expected, string(readAll(c)));
        }
    }

    @Test
    void headGetsTheSameHeadersAndNoBody() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/page", "");
            String head = expected.substring(0, expected.length() - "/page".length());
            assertEquals(head, exchange(c, "HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n", head));
            assertEquals(expected, exchange(c, "GET /page HTTP/1.1\r\nHost: x\r\n\r\n", expected));
        }
    }

    @Test
    void largeHeadsWithinTheLimitsAreServedAndTheBufferShrinksBack() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String big = "GET /big HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(15_000) + "\r\n\r\n";
            String expected = ok("/big", "") + ok("/small", "");
            c.write(ascii(big.substring(0, 9000)));
            Thread.sleep(20);
            assertEquals(expected, exchange(c, big.substring(9000) + "GET /small HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertEquals(15_000, seen.getFirst().headers().first("X-Big").orElseThrow().length());
        }
    }

    @Test
    void bytesBodiesGoOutInOneWrite() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/one", "");
            assertEquals(expected, exchange(c, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            if (s.tcp != null) {
                assertEquals(1, s.tcp.lastServerEnd.writeCalls.get());
            }
        }
    }

    @Test
    void http10ClosesByDefaultAndKeepsAliveWhenAsked() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options())) {
            try (var c = s.connect()) {
                c.write(ascii("GET /x HTTP/1.0\r\n\r\n"));
                assertEquals(ok("/x", "Connection: close\r\n"), string(readAll(c)));
            }
            try (var c = s.connect()) {
                String expected = ok("/y", "Connection: keep-alive\r\n");
                assertEquals(expected, exchange(c, "GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", expected));
                assertEquals(expected, exchange(c, "GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", expected));
            }
        }
    }

    @Test
    void otherMethodsGet405WithAllowAndTheConnectionStays() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String body = "405 Method Not Allowed\n";
            String expected = "HTTP/1.1 405 Method Not Allowed\r\n" + DATE + "Allow: GET, HEAD, OPTIONS\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n" + SECURITY + "Content-Length: " + body.length()
                    + "\r\n\r\n" + body;
            assertEquals(expected, exchange(c, "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                    expected));
            String next = ok("/after", "");
            assertEquals(next, exchange(c, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n", next));
            assertEquals(List.of("/after"), seen.stream().map(HttpRequest::path).toList());
        }
    }

    @Test
    void optionsGets204WithAllow() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = "HTTP/1.1 204 No Content\r\n" + DATE + "Allow: GET, HEAD, OPTIONS\r\n" + SECURITY + "\r\n";
            assertEquals(expected, exchange(c, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertEquals(expected, exchange(c, "OPTIONS /a HTTP/1.1\r\nHost: x\r\n\r\n", expected));
        }
    }

    @Test
    void malformedRequestGets400ThenClose() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            c.write(ascii("GET / HTTP/1.1\r\nHost : x\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n"));
            String body = "400 whitespace between field name and colon\n";
            assertEquals("HTTP/1.1 400 Bad Request\r\n" + DATE + "Content-Type: text/plain; charset=utf-8\r\n"
                    + SECURITY + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body,
                    string(readAll(c)));
            assertTrue(seen.isEmpty());
        }
    }

    @Test
    void handlerExceptionGives500ForThatRequestOnly() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String body = "500 Internal Server Error\n";
            String expected = "HTTP/1.1 500 Internal Server Error\r\n" + DATE
                    + "Content-Type: text/plain; charset=utf-8\r\n" + SECURITY + "Content-Length: " + body.length()
                    + "\r\n\r\n" + body;
            assertEquals(expected, exchange(c, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertEquals(expected, exchange(c, "GET /bad HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertEquals(expected, exchange(c, "GET /101 HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            String next = ok("/fine", "");
            assertEquals(next, exchange(c, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n", next));
            assertTrue(s.lines.stream().anyMatch(l -> l.contains("boom")), s.lines.toString());
        }
    }

    @Test
    void streamedBodiesAreSentPieceByPiece() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("abcdefghi", "");
            assertEquals(expected, exchange(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            if (s.tcp != null) {
                assertEquals(4, s.tcp.lastServerEnd.writeCalls.get());
            }
        }
    }

    @Test
    void streamedBodyShorterThanAnnouncedClosesTheConnection() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            c.write(ascii("GET /short HTTP/1.1\r\nHost: x\r\n\r\n"));
            String got = string(readAll(c));
            assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n") && got.endsWith("Content-Length: 9\r\n\r\nabc"), got);
        }
    }

    @Test
    void notModifiedHasNoBodyAndNoContentLength() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = "HTTP/1.1 304 Not Modified\r\n" + DATE + "ETag: \"t\"\r\n" + SECURITY + "\r\n";
            assertEquals(expected, exchange(c, "GET /304 HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            String next = ok("/n", "");
            assertEquals(next, exchange(c, "GET /n HTTP/1.1\r\nHost: x\r\n\r\n", next));
        }
    }

    @Test
    void requestBodiesAreSkippedChunkedOrNot() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/g", "");
            assertEquals(expected, exchange(c, "GET /g HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", expected));
            assertEquals(expected, exchange(c, "GET /g HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n", expected));
            assertEquals(expected, exchange(c, "GET /g HTTP/1.1\r\nHost: x\r\n\r\n", expected));
        }
    }

    @Test
    void expectContinueGetsAnInterimResponseBeforeTheBody() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String cont = "HTTP/1.1 100 Continue\r\n\r\n";
            assertEquals(cont, exchange(c, "GET /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 4\r\n\r\n", cont));
            String expected = ok("/e", "");
            assertEquals(expected, exchange(c, "body", expected));
            String noBody = ok("/f", "");
            assertEquals(noBody, exchange(c, "GET /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", noBody));
        }
    }

    @Test
    void pathAndQueryAreDecodedForTheHandler() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/a b/\u00c3\u00a9", "");
            assertEquals(expected, exchange(c, "GET /a%20b/%C3%A9?q=%20 HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            HttpRequest r = seen.getFirst();
            assertEquals("/a b/\u00e9", r.path());
            assertEquals("q=%20", r.query());
            assertEquals("/a%20b/%C3%A9?q=%20", r.target());
            assertTrue(s.tcp != null ? r.remote().equals("192.0.2.7:40000") : r.remote().startsWith("127.0.0.1:"),
                    r.remote());
        }
    }

    @Test
    void absoluteFormTargetsUseTheirPath() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String expected = ok("/p", "");
            assertEquals(expected, exchange(c, "GET http://x/p?z HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertEquals("z", seen.getFirst().query());
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        var options = TestSupport.options().withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (var s = new TestSupport.Running(transport, handler, options); var c = s.connect()) {
            String expected = ok("/a", "");
            assertEquals(expected, exchange(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            assertTrue(atEof(c));
        }
    }

    @Test
    void slowHeadsAreCutOffByTheHeaderTimeout() throws Exception {
        var options = TestSupport.options().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
        try (var s = new TestSupport.Running(transport, handler, options); var c = s.connect()) {
            c.write(ascii("GET / HTTP/1.1\r\n"));
            long t0 = System.nanoTime();
            IOException failure = null;
            try {
                for (int i = 0; i < 50; i++) {
                    Thread.sleep(100);
                    c.write(ascii("X-Slow: " + i + "\r\n"));
                }
            } catch (IOException e) {
                failure = e;
            }
            assertTrue(failure != null, "a slow head must not be kept alive");
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(4).toNanos());
        }
    }

    @Test
    void connectionsOverTheLimitGet503() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options().withMaxConnections(1));
             var first = s.connect()) {
            String expected = ok("/1", "");
            assertEquals(expected, exchange(first, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            try (var second = s.connect()) {
                String got = string(readAll(second));
                assertTrue(got.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), got);
                assertTrue(got.contains("Connection: close\r\n"), got);
            }
            assertEquals(expected, exchange(first, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", expected));
        }
    }

    @Test
    void accessLogWritesCombinedLogFormat() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options().withAccessLog(true)); var c = s.connect()) {
            String expected = ok("/log", "");
            assertEquals(expected, exchange(c, "GET /log HTTP/1.1\r\nHost: x\r\nReferer: http://r/\r\n"
                    + "User-Agent: t\"est\r\n\r\n", expected));
            c.write(ascii("BAD\r\n\r\n"));
            readAll(c);
            List<String> lines = s.lines.stream().filter(l -> !l.startsWith("http: listening")).toList();
            assertEquals(List.of(
                    s.clientHost() + " - - [24/Nov/2026:03:35:57 +0000] \"GET /log HTTP/1.1\" 200 4 \"http://r/\" \"t\\\"est\"",
                    s.clientHost() + " - - [24/Nov/2026:03:35:57 +0000] \"-\" 400 26 \"-\" \"-\""), lines);
        }
    }

    @Test
    void serveReturnsWhenItsThreadIsInterruptedAndStopsListening() throws Exception {
        if (transport != TestSupport.Transport.BLOCKING) {
            Console console = Console.of("list", line -> {});
            // closed only after the check: closing the stack would close the port on its own
            try (var sockets = TestSupport.loopbackSockets(console)) {
                Http1Server server = new Http1Server(console, sockets.tcpv4(), 0, TestSupport.options());
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        server.serve(handler);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                int port = server.awaitPort(Duration.ofSeconds(5));
                assertTrue(port > 0);
                t.interrupt();
                t.join(Duration.ofSeconds(5));
                assertFalse(t.isAlive());
                org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                        () -> sockets.tcpv4().connect(TestSupport.LOOPBACK, port));
            }
            return;
        }
        FakeTcp tcp = new FakeTcp();
        Http1Server server = new Http1Server(Console.of("list", line -> {}), tcp, 80, TestSupport.options());
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                server.serve(handler);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(80, server.awaitPort(Duration.ofSeconds(5)));
        t.interrupt();
        t.join(Duration.ofSeconds(5));
        assertFalse(t.isAlive());
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, tcp::connect);
    }

    @Test
    void clientThatLeavesMidHeadIsDroppedQuietly() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            c.write(ascii("GET / HTT"));
            c.shutdownOutput();
            assertTrue(atEof(c));
            assertFalse(s.lines.stream().anyMatch(l -> l.contains("failed")));
        }
    }

    @Test
    void idleDeadlinesFollowTheInjectedClockNotTheWallClock() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        dev.morgana.types.Clock manual = new dev.morgana.types.Clock() {
            @Override
            public java.time.Instant now() {
                return TestSupport.NOW;
            }

            @Override
            public long monotonicNanos() {
                return nanos.get();
            }
        };
        var options = TestSupport.options().withClock(manual)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (var s = new TestSupport.Running(transport, handler, options); var c = s.connect()) {
            String expected = ok("/a", "");
            assertEquals(expected, exchange(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            Thread.sleep(700); // more than a tick of real time: the injected clock has not moved
            assertEquals(expected, exchange(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", expected));
            // The server arms the idle deadline after writing the answer, possibly after we read
            // it: keep moving the injected clock (bounded) until the watchdog closes the connection.
            Thread ticker = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
                    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                assertTrue(atEof(c), "idle for 11 s by the injected clock");
            } finally {
                ticker.interrupt();
            }
        }
    }

    @Test
    void onePipelineMixingPlainRequestsBodiesAndCloseIsAnsweredInOrder() throws Exception {
        try (var s = new TestSupport.Running(transport, handler, TestSupport.options()); var c = s.connect()) {
            String body = "405 Method Not Allowed\n";
            String expected = ok("/1", "")
                    + "HTTP/1.1 405 Method Not Allowed\r\n" + DATE + "Allow: GET, HEAD, OPTIONS\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n" + SECURITY + "Content-Length: " + body.length()
                    + "\r\n\r\n" + body
                    + ok("/3", "") + ok("/4", "Connection: close\r\n");
            c.write(ascii("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /never HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals(expected, string(readAll(c)));
            assertEquals(List.of("/1", "/3", "/4"), seen.stream().map(HttpRequest::path).toList());
        }
    }
}
