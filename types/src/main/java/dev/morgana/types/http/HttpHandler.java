package dev.morgana.types.http;

/** Maps a parsed request to a response. Must be thread-safe. */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;

    /**
     * Answers without blocking on I/O, or returns null when that is not possible (the answer
     * needs a read from a device, say). An event-loop server calls this first on its loop
     * thread and, on null, calls {@link #handle} on a thread that may block. Both must answer
     * a request the same way. The default never answers at once.
     */
    default HttpResponse handleNow(HttpRequest request) throws Exception {
        return null;
    }
}
