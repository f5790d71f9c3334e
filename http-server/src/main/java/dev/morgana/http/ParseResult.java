package dev.morgana.http;

/**
 * What {@link RequestParser#parse} found in the bytes it was given. Each result answers the
 * three accessors below (the records' own components where they have them), so a connection
 * can act on it without a type switch, which the JVM links at its first use, in the first
 * request's time.
 */
public sealed interface ParseResult {

    /** The complete head, or null: more bytes are needed, or they are invalid. */
    RequestHead head();

    /** The bytes the complete head took (its terminating empty line included), else 0. */
    int length();

    /** Why the bytes cannot be a valid request, or null. */
    Violation violation();

    /** The head is incomplete: read more bytes and call again with all of them. */
    record NeedMore() implements ParseResult {
        @Override
        public RequestHead head() {
            return null;
        }

        @Override
        public int length() {
            return 0;
        }

        @Override
        public Violation violation() {
            return null;
        }
    }

    /** A complete head of {@code length} bytes (its terminating empty line included). */
    record Complete(RequestHead head, int length) implements ParseResult {
        @Override
        public Violation violation() {
            return null;
        }
    }

    /** The bytes cannot be a valid request; answer {@code violation.status()} and close. */
    record Invalid(Violation violation) implements ParseResult {
        @Override
        public RequestHead head() {
            return null;
        }

        @Override
        public int length() {
            return 0;
        }
    }

    ParseResult NEED_MORE = new NeedMore();
}
