package dev.morgana.http;

/** What {@link RequestParser#parse} found in the bytes it was given. */
public sealed interface ParseResult {

    /** The head is incomplete: read more bytes and call again with all of them. */
    record NeedMore() implements ParseResult {}

    /** A complete head of {@code length} bytes (its terminating empty line included). */
    record Complete(RequestHead head, int length) implements ParseResult {}

    /** The bytes cannot be a valid request; answer {@code violation.status()} and close. */
    record Invalid(Violation violation) implements ParseResult {}

    ParseResult NEED_MORE = new NeedMore();
}
