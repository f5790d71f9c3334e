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
 *   <li>{@code Http1Connection}: runs the above over any {@link dev.morgana.types.Flow}:
 *       keep-alive, pipelining (responses in request order), HEAD, OPTIONS, 405, 400-then-close,
 *       500 for a failing handler, Expect: 100-continue, access log.</li>
 *   <li>{@code Watchdog}: the only timer, outside the parser: a virtual thread that closes a flow
 *       whose deadline (idle, header, send) passed, which unblocks its reader or writer.</li>
 *   <li>{@link dev.morgana.http.Http1Server}: the {@link dev.morgana.types.http.HttpServer} over
 *       a {@link dev.morgana.types.Tcpv4}, with a connection limit (503 beyond it).</li>
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
