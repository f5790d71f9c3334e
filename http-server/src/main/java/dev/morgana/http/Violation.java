package dev.morgana.http;

/**
 * Why a request was rejected, with the status it earns. Every violation closes the connection:
 * after a framing error the server cannot know where the next request would start.
 */
public enum Violation {
    REQUEST_LINE_TOO_LONG(414, "request line too long"),
    HEADERS_TOO_LARGE(431, "header section too large"),
    TOO_MANY_HEADERS(431, "too many header fields"),
    BARE_LF(400, "line ended by LF without CR"),
    BARE_CR(400, "CR not followed by LF"),
    TOO_MANY_EMPTY_LINES(400, "too many empty lines before the request line"),
    INVALID_METHOD(400, "method is not a token"),
    INVALID_REQUEST_LINE(400, "request line is not method SP target SP version"),
    INVALID_TARGET(400, "request target has a forbidden character"),
    INVALID_VERSION(400, "malformed HTTP version"),
    UNSUPPORTED_VERSION(505, "only HTTP/1.0 and HTTP/1.1 are supported"),
    OBS_FOLD(400, "obsolete line folding"),
    WHITESPACE_BEFORE_COLON(400, "whitespace between field name and colon"),
    INVALID_FIELD_NAME(400, "field name is not a token"),
    MISSING_COLON(400, "field line without colon"),
    INVALID_FIELD_VALUE(400, "control character in field value"),
    MISSING_HOST(400, "HTTP/1.1 request without Host"),
    DUPLICATE_HOST(400, "more than one Host"),
    INVALID_HOST(400, "malformed Host"),
    DUPLICATE_CONTENT_LENGTH(400, "more than one Content-Length"),
    INVALID_CONTENT_LENGTH(400, "Content-Length is not a decimal number"),
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, "both Content-Length and Transfer-Encoding"),
    TRANSFER_ENCODING_IN_HTTP10(400, "Transfer-Encoding in an HTTP/1.0 request"),
    INVALID_TRANSFER_ENCODING(400, "chunked missing, repeated or not last"),
    UNKNOWN_TRANSFER_CODING(501, "unsupported transfer coding"),
    INVALID_CHUNK(400, "malformed chunked body"),
    BODY_TOO_LARGE(413, "request body too large"),
    EXPECTATION_FAILED(417, "only the 100-continue expectation is supported"),
    INVALID_PATH(400, "request target path is malformed or unsafe");

    private final int status;
    private final String message;

    Violation(int status, String message) {
        this.status = status;
        this.message = message;
    }

    /** The response status for this violation. */
    public int status() {
        return status;
    }

    /** A short explanation, sent as the plain-text body of the error response. */
    public String message() {
        return message;
    }
}
