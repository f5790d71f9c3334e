package dev.morgana.http;

import dev.morgana.types.http.HttpFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Incremental, sans-IO parser of HTTP/1.1 request heads (RFC 9112 §2-§6).
 *
 * <p>The caller keeps the unconsumed bytes of a connection in a buffer and calls
 * {@link #parse} with all of them, from the start of the current head, each time more arrive.
 * The parser remembers how far it scanned, so a head delivered one byte at a time costs linear
 * work. It answers {@link ParseResult.NeedMore}, a {@link ParseResult.Complete} head (after
 * which it is ready for the next one), or {@link ParseResult.Invalid}.
 *
 * <p>It is deliberately strict where leniency enables request smuggling or cache poisoning:
 * lines must end in CRLF, the request line has single spaces, field names are tokens directly
 * followed by a colon, obs-fold, bare CR and control characters are rejected, Content-Length
 * must be one decimal number, Transfer-Encoding must be exactly "chunked" and never appear
 * with Content-Length or in HTTP/1.0, and HTTP/1.1 needs exactly one Host. Not thread-safe:
 * one parser per connection.
 */
public final class RequestParser {

    /** Empty lines tolerated before a request line (RFC 9112 §2.2 asks to ignore at least one). */
    static final int MAX_LEADING_EMPTY_LINES = 4;

    private final int maxRequestLine;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;

    private int scanned;
    private int lineStart;
    private int requestLineStart;
    private int requestLineEnd = -1;
    private int headerStart;
    private final int[] lines;
    private int lineCount;
    private int emptyLines;

    /** A parser with the limits of {@code options}. */
    public RequestParser(HttpOptions options) {
        this(options.maxRequestLineBytes(), options.maxHeaderBytes(), options.maxHeaderCount());
    }

    /**
     * @param maxRequestLine longest request line, CRLF excluded
     * @param maxHeaderBytes largest header section, CRLFs of the field lines included
     * @param maxHeaderCount most field lines
     */
    public RequestParser(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaderCount = maxHeaderCount;
        this.lines = new int[2 * maxHeaderCount];
    }

    /** The most bytes a head can take within these limits; a connection buffer this big suffices. */
    public int maxHeadBytes() {
        return 2 * MAX_LEADING_EMPTY_LINES + maxRequestLine + 2 + maxHeaderBytes + 2;
    }

    /**
     * Looks for a complete head in {@code buf[off, off+len)}, which must start where the current
     * head starts and extend the bytes given in previous calls.
     */
    public ParseResult parse(byte[] buf, int off, int len) {
        int i = scanned;
        while (i < len) {
            if (buf[off + i] == '\n') {
                ParseResult r = endOfLine(buf, off, i);
                if (r != null) {
                    reset();
                    return r;
                }
            }
            i++;
            if (requestLineEnd < 0) {
                if (i - lineStart > maxRequestLine + 1) {
                    return fail(Violation.REQUEST_LINE_TOO_LONG);
                }
            } else if (i - headerStart > maxHeaderBytes + 2) {
                return fail(Violation.HEADERS_TOO_LARGE);
            }
        }
        scanned = i;
        return ParseResult.NEED_MORE;
    }

    /** Forgets a partly scanned head (the parser is then ready for a fresh connection). */
    public void reset() {
        scanned = 0;
        lineStart = 0;
        requestLineEnd = -1;
        lineCount = 0;
        emptyLines = 0;
    }

    private ParseResult fail(Violation v) {
        reset();
        return new ParseResult.Invalid(v);
    }

    /** Handles the LF at {@code lf}; returns a result when the head is done or broken. */
    private ParseResult endOfLine(byte[] buf, int off, int lf) {
        if (lf == lineStart || buf[off + lf - 1] != '\r') {
            return new ParseResult.Invalid(Violation.BARE_LF);
        }
        int end = lf - 1;
        if (requestLineEnd < 0) {
            if (end == lineStart) {
                if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                    return new ParseResult.Invalid(Violation.TOO_MANY_EMPTY_LINES);
                }
            } else {
                if (end - lineStart > maxRequestLine) {
                    return new ParseResult.Invalid(Violation.REQUEST_LINE_TOO_LONG);
                }
                requestLineStart = lineStart;
                requestLineEnd = end;
                headerStart = lf + 1;
            }
        } else if (end == lineStart) {
            return build(buf, off, lf + 1);
        } else {
            if (lf + 1 - headerStart > maxHeaderBytes) {
                return new ParseResult.Invalid(Violation.HEADERS_TOO_LARGE);
            }
            if (lineCount == maxHeaderCount) {
                return new ParseResult.Invalid(Violation.TOO_MANY_HEADERS);
            }
            lines[2 * lineCount] = lineStart;
            lines[2 * lineCount + 1] = end;
            lineCount++;
        }
        lineStart = lf + 1;
        return null;
    }

    private ParseResult build(byte[] buf, int off, int headLength) {
        int rs = off + requestLineStart;
        int re = off + requestLineEnd;
        if (containsCr(buf, rs, re)) {
            return new ParseResult.Invalid(Violation.BARE_CR);
        }
        int p = rs;
        while (p < re && Ascii.isTchar(buf[p])) {
            p++;
        }
        if (p == rs || p == re || buf[p] != ' ') {
            return new ParseResult.Invalid(p > rs && p < re && buf[p] == ' '
                    ? Violation.INVALID_REQUEST_LINE : Violation.INVALID_METHOD);
        }
        String method = Ascii.common(buf, rs, p, Ascii.METHODS);
        int ts = ++p;
        while (p < re && buf[p] != ' ') {
            int c = buf[p] & 0xFF;
            if (c < 0x21 || c > 0x7E) {
                return new ParseResult.Invalid(Violation.INVALID_TARGET);
            }
            p++;
        }
        if (p == ts || p == re) {
            return new ParseResult.Invalid(Violation.INVALID_REQUEST_LINE);
        }
        String target = Ascii.latin1(buf, ts, p);
        p++;
        if (re - p != 8 || buf[p] != 'H' || buf[p + 1] != 'T' || buf[p + 2] != 'T' || buf[p + 3] != 'P'
                || buf[p + 4] != '/' || !isDigit(buf[p + 5]) || buf[p + 6] != '.' || !isDigit(buf[p + 7])) {
            return new ParseResult.Invalid(Violation.INVALID_VERSION);
        }
        if (buf[p + 5] != '1' || buf[p + 7] > '1') {
            return new ParseResult.Invalid(Violation.UNSUPPORTED_VERSION);
        }
        int minor = buf[p + 7] - '0';

        List<HttpFields.Field> fields = new ArrayList<>(lineCount);
        int hosts = 0;
        String host = null;
        String contentLength = null;
        int contentLengths = 0;
        String transferEncoding = null;
        int transferEncodings = 0;
        boolean close = false;
        boolean keepAlive = false;
        for (int k = 0; k < lineCount; k++) {
            int s = off + lines[2 * k];
            int e = off + lines[2 * k + 1];
            if (containsCr(buf, s, e)) {
                return new ParseResult.Invalid(Violation.BARE_CR);
            }
            if (buf[s] == ' ' || buf[s] == '\t') {
                return new ParseResult.Invalid(Violation.OBS_FOLD);
            }
            int q = s;
            while (q < e && Ascii.isTchar(buf[q])) {
                q++;
            }
            if (q == e) {
                return new ParseResult.Invalid(Violation.MISSING_COLON);
            }
            if (buf[q] != ':') {
                return new ParseResult.Invalid(q > s && (buf[q] == ' ' || buf[q] == '\t')
                        ? Violation.WHITESPACE_BEFORE_COLON : Violation.INVALID_FIELD_NAME);
            }
            if (q == s) {
                return new ParseResult.Invalid(Violation.INVALID_FIELD_NAME);
            }
            String name = Ascii.common(buf, s, q, Ascii.FIELD_NAMES);
            int vs = q + 1;
            int ve = e;
            while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                ve--;
            }
            for (int v = vs; v < ve; v++) {
                if (!Ascii.isFieldValueByte(buf[v])) {
                    return new ParseResult.Invalid(Violation.INVALID_FIELD_VALUE);
                }
            }
            String value = Ascii.latin1(buf, vs, ve);
            fields.add(new HttpFields.Field(name, value));
            if (name.equalsIgnoreCase("host")) {
                hosts++;
                host = value;
            } else if (name.equalsIgnoreCase("content-length")) {
                contentLengths++;
                contentLength = value;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncodings++;
                transferEncoding = value;
            } else if (name.equalsIgnoreCase("connection")) {
                for (String option : value.split(",", -1)) {
                    String o = option.strip();
                    close |= o.equalsIgnoreCase("close");
                    keepAlive |= o.equalsIgnoreCase("keep-alive");
                }
            }
        }
        if (hosts > 1) {
            return new ParseResult.Invalid(Violation.DUPLICATE_HOST);
        }
        if (hosts == 0 && minor == 1) {
            return new ParseResult.Invalid(Violation.MISSING_HOST);
        }
        if (host != null && !isValidHost(host)) {
            return new ParseResult.Invalid(Violation.INVALID_HOST);
        }
        if (contentLengths > 1) {
            return new ParseResult.Invalid(Violation.DUPLICATE_CONTENT_LENGTH);
        }
        long bodyLength = 0;
        if (contentLength != null) {
            bodyLength = parseContentLength(contentLength);
            if (bodyLength < 0) {
                return new ParseResult.Invalid(Violation.INVALID_CONTENT_LENGTH);
            }
        }
        RequestHead.Framing framing = new RequestHead.Fixed(bodyLength);
        if (transferEncodings > 0) {
            if (minor == 0) {
                return new ParseResult.Invalid(Violation.TRANSFER_ENCODING_IN_HTTP10);
            }
            if (contentLengths > 0) {
                return new ParseResult.Invalid(Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING);
            }
            if (transferEncodings > 1) {
                return new ParseResult.Invalid(Violation.INVALID_TRANSFER_ENCODING);
            }
            Violation v = checkTransferEncoding(transferEncoding);
            if (v != null) {
                return new ParseResult.Invalid(v);
            }
            framing = new RequestHead.Chunked();
        }
        boolean persistent = minor == 1 ? !close : keepAlive && !close;
        return new ParseResult.Complete(
                new RequestHead(method, target, minor, new HttpFields(fields), framing, persistent), headLength);
    }

    /** Null if the value is exactly the chunked coding; otherwise why it is refused. */
    private static Violation checkTransferEncoding(String value) {
        String[] codings = value.split(",", -1);
        int chunked = 0;
        boolean unknown = false;
        for (String c : codings) {
            String coding = c.strip();
            if (!Ascii.isToken(coding)) {
                return Violation.INVALID_TRANSFER_ENCODING;
            }
            if (coding.toLowerCase(Locale.ROOT).equals("chunked")) {
                chunked++;
            } else {
                unknown = true;
            }
        }
        if (chunked != 1 || !codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
            return Violation.INVALID_TRANSFER_ENCODING;
        }
        return unknown ? Violation.UNKNOWN_TRANSFER_CODING : null;
    }

    /** The value as a non-negative number, or -1 unless it is 1 to 18 decimal digits. */
    static long parseContentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** uri-host [":" port]: reg-name, IPv4 or a bracketed IP literal, as a plain character check. */
    private static boolean isValidHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsCr(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
