package dev.morgana.types.http;

import dev.morgana.types.Device;

/**
 * An HTTP/1.1 server bound to a port of some stack (Mirage's {@code HTTP.Server}). Framing,
 * Date, Content-Length, keep-alive, HEAD and protocol errors are the server's business; the
 * application only maps requests to responses.
 */
public interface HttpServer extends Device {

    /**
     * Serves requests with {@code handler} until the calling thread is interrupted or the server
     * is closed. Connections run on their own virtual threads, or on a few selector threads when
     * the stack allows it (then {@link HttpHandler#handleNow} is asked first and
     * {@link HttpHandler#handle} runs on a virtual thread); {@code handler} must be
     * thread-safe. A handler that throws produces a 500 for that request only.
     */
    void serve(HttpHandler handler) throws Exception;
}
