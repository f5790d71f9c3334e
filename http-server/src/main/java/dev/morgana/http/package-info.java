/**
 * A transport-independent HTTP/1.1 server (Mirage's cohttp, in Java) for static sites.
 *
 * <h2>Layers</h2>
 * <ul>
 *   <li>{@link dev.morgana.http.RequestParser}: sans-IO, incremental, bounded parser of request
 *       heads (bytes in; {@link dev.morgana.http.ParseResult.NeedMore}, a
 *       {@link dev.morgana.http.RequestHead}, or a {@link dev.morgana.http.Violation} with its
 *       status). It never reads a clock or a socket.</li>
 *   <li>{@code ChunkedBody}: sans-IO reader that checks and discards chunked request bodies.</li>
 *   <li>{@code ResponseWriter}: response heads as bytes (status line with RFC 9110's reason
 *       phrases, a Date cached per second of the injected clock, Content-Length, Connection).</li>
 *   <li>{@code Exchange}: the I/O-free answer to one parsed request, shared by both serving
 *       paths below: method dispatch (GET and HEAD to the handler, OPTIONS 204, others 405), 500
 *       for a failing handler or a malformed response, no body for HEAD, 204 and 304, the access
 *       log line.</li>
 *   <li>{@code Http1Connection}: the blocking path, over any {@link dev.morgana.types.Flow} on
 *       its own virtual thread: keep-alive, pipelining (responses in request order), 400-then-close,
 *       request bodies read and dropped, Expect: 100-continue, streamed bodies, lingering close.</li>
 *   <li>{@code InputWindow}: a connection's input buffer, one policy for both serving paths
 *       below (4 KiB usually, compacted before it grows, doubled up to the largest head the
 *       parser accepts plus one read, back to 4 KiB once consumed).</li>
 *   <li>{@code Watchdog}: the blocking path's timer, outside the parser: a virtual thread that
 *       closes a flow whose deadline (idle, header, send) passed, which unblocks its reader or
 *       writer.</li>
 *   <li>{@code LoopServer}, {@code SelectorLoop}, {@code LoopConnection}: the event-driven path on
 *       kernel sockets ({@link dev.morgana.types.SelectableTcpv4}, i.e. {@code NET=socket}): one
 *       selector thread per processor keeps every connection registered, reads what epoll reports
 *       ready, answers complete keep-alive requests without a body from memory (the handler's
 *       {@code handleNow}; otherwise the handler runs on a virtual thread and the answer comes
 *       back to the loop) and writes each batch with one system call, waiting for OP_WRITE when
 *       the socket takes less. The same deadlines are checked by the loop against the injected
 *       clock. Anything else (a parse error, a body, Expect, "Connection: close", a streamed
 *       answer) hands the connection with its unconsumed bytes to {@code Http1Connection} on a
 *       virtual thread, so the rare paths have exactly one implementation and both paths answer
 *       byte for byte alike; the server tests run against both.</li>
 *   <li>{@link dev.morgana.http.Http1Server}: the {@link dev.morgana.types.http.HttpServer} over
 *       a {@link dev.morgana.types.Tcpv4}, with a connection limit (503 beyond it); it picks the
 *       selector loops whenever the stack offers {@link dev.morgana.types.SelectableTcpv4}.</li>
 * </ul>
 *
 * <h2>Strictness</h2>
 * The parser rejects what RFC 9112 allows a server to reject when leniency would open request
 * smuggling: bare LF or CR, obs-fold, whitespace before a colon, control characters, non-ASCII
 * method, target or field name, duplicate or malformed Content-Length, Content-Length with
 * Transfer-Encoding, Transfer-Encoding in HTTP/1.0 or other than exactly "chunked", missing or
 * repeated Host in HTTP/1.1, versions other than 1.0 and 1.1. Every such error is answered
 * with its status and "Connection: close". Where this makes us stricter than Netty's decoder,
 * the differential test lists and explains it.
 */
package dev.morgana.http;
