package dev.morgana.http;

/**
 * What {@link RequestParser#parse} found in the bytes it was given. Each result answers the
 * three accessors below (the records' own components where they have them, else the defaults),
 * so a connection can act on it without a type switch, which the JVM links at its first use, in
 * the first request's time.
 */
public sealed interface ParseResult {

    /** The complete head, or null: more bytes are needed, or they are invalid. */
    default RequestHead head() {
        return null;
    }

    /** The bytes the complete head took (its terminating empty line included), else 0. */
    default int length() {
        return 0;
    }

    /** Why the bytes cannot be a valid request, or null. */
    default Violation violation() {
        return null;
    }

    /** The head is incomplete: read more bytes and call again with all of them. */
    record NeedMore() implements ParseResult {}

    /** A complete head of {@code length} bytes (its terminating empty line included). */
    record Complete(RequestHead head, int length) implements ParseResult {}

    /** The bytes cannot be a valid request; answer {@code violation.status()} and close. */
    record Invalid(Violation violation) implements ParseResult {}

    ParseResult NEED_MORE = new NeedMore();
}
