package dev.morgana.types.http;

/** Maps a parsed request to a response. Must be thread-safe. */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
