package dev.morgana.site;

import dev.morgana.types.Console;
import dev.morgana.types.Job;
import dev.morgana.types.http.HttpFields;
import dev.morgana.types.http.HttpHandler;
import dev.morgana.types.http.HttpRequest;
import dev.morgana.types.http.HttpResponse;
import dev.morgana.types.http.HttpServer;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.Keys;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.KvRo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The static-site application (Mirage's {@code Dispatch.Main(C)(FS)(H)}): serves the files of a
 * read-only store over any {@link HttpServer}, written against the module types only.
 *
 * <p>"/" serves "index.html"; a directory without trailing slash is redirected (301) to the
 * slashed path, query kept; a slashed directory serves its index.html; files get Content-Type,
 * ETag, Last-Modified and Cache-Control. Conditional requests (If-Match, If-Unmodified-Since →
 * 412; If-None-Match, If-Modified-Since → 304), byte ranges (206, multipart/byteranges, 416,
 * If-Range) and the stored gzip variant (Accept-Encoding with q-values, Vary) follow RFC 9110.
 * A missing file gets the site's own 404.html when the store has one. {@link SiteOptions} adds
 * Cache-Control, Content-Security-Policy and Strict-Transport-Security.
 */
public final class StaticSite implements Job {

    private static final String TEXT = "text/plain; charset=utf-8";
    /** Bodies up to this size are one buffer; larger ones are streamed in pieces this big. */
    static final int CHUNK = 256 * 1024;

    private final Console console;
    private final KvRo store;
    private final HttpServer http;
    private final SiteOptions options;

    public StaticSite(Console console, KvRo store, HttpServer http) {
        this(console, store, http, SiteOptions.defaults());
    }

    public StaticSite(Console console, KvRo store, HttpServer http, SiteOptions options) {
        this.console = console;
        this.store = store;
        this.http = http;
        this.options = options;
    }

    /** Serves the store until the thread is interrupted or the server closed. */
    @Override
    public void run() throws Exception {
        console.log("site: serving " + store.name() + " with " + http.name());
        http.serve(handler());
    }

    /** This site as a handler: {@link #handle}, and {@link #handleNow} for event-loop servers. */
    public HttpHandler handler() {
        return new HttpHandler() {
            @Override
            public HttpResponse handle(HttpRequest request) throws IOException {
                return StaticSite.this.handle(request);
            }

            @Override
            public HttpResponse handleNow(HttpRequest request) throws IOException {
                return StaticSite.this.handleNow(request);
            }
        };
    }

    /** Answers one GET or HEAD request. Thread-safe. */
    public HttpResponse handle(HttpRequest request) throws IOException {
        String path = request.path();
        KvNode.File known = routes.get(path);
        if (known != null) {
            return serveFile(request, known, true);
        }
        boolean slash = path.endsWith("/");
        String key = path.length() <= 1 ? "" : path.substring(1, slash ? path.length() - 1 : path.length());
        if (!Keys.isValid(key) || (key.isEmpty() && !path.equals("/"))) {
            return notFound();
        }
        Optional<KvNode> node = store.find(key);
        if (node.isEmpty()) {
            return notFound();
        }
        // instanceof rather than a switch over the node's type: a type switch is linked at its
        // first use by SwitchBootstraps, which spins classes at run time that the AOT cache
        // cannot hold, on the first request's path (docs/benchmarks.md, Start-up).
        if (node.get() instanceof KvNode.File f) {
            return slash ? notFound() : serveFile(request, remember(path, f), true);
        }
        if (!slash) { // a directory
            return redirect(path + "/", request.query());
        }
        String indexKey = key.isEmpty() ? "index.html" : key + "/index.html";
        return store.find(indexKey).orElse(null) instanceof KvNode.File index
                ? serveFile(request, remember(path, index), true) : notFound();
    }

    /**
     * Answers like {@link #handle} when that needs no store access (a path served before, whose
     * response is kept in memory, or a conditional or refused request for it); otherwise null,
     * and the server calls {@link #handle} where blocking is allowed. Thread-safe.
     */
    public HttpResponse handleNow(HttpRequest request) throws IOException {
        KvNode.File known = routes.get(request.path());
        return known == null ? null : serveFile(request, known, false);
    }

    /**
     * Paths already resolved to the file they serve ("/" → index.html): the store is immutable,
     * so the key checks and lookups are done once per path. Only paths that name a file are
     * kept, and at most {@link #MAX_PREPARED}, so clients cannot grow it without bound.
     */
    private final Map<String, KvNode.File> routes = new ConcurrentHashMap<>();

    private KvNode.File remember(String path, KvNode.File file) {
        if (routes.size() < MAX_PREPARED) {
            routes.put(path, file);
        }
        return file;
    }

    /**
     * The fields of one variant of a file, computed once: the store is immutable, so they only
     * change with the file (whose record is the cache key).
     *
     * @param etag the variant's entity tag
     * @param validators the fields of a 304 (Vary, ETag, Last-Modified, Cache-Control...)
     * @param ok the fields of a 200: validators plus Content-Type, Accept-Ranges, Content-Encoding
     * @param whole the complete 200 response, shared by every request for it (the server sends
     *     a duplicate of its body), or null when the body is not kept (see {@link #KEEP_BUDGET})
     */
    private record Representation(String etag, HttpFields validators, HttpFields ok, HttpResponse whole) {}

    /**
     * hashCode and equals are written out: a record's generated ones are linked at their first
     * call by ObjectMethods, which spins classes the AOT cache cannot hold, on the first
     * request's path. A store hands out the same File for a key, so identity decides first.
     */
    private record VariantKey(KvNode.File file, Encoding variant) {
        @Override
        public int hashCode() {
            return file.key().hashCode() * 31 + variant.ordinal();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof VariantKey k && k.variant == variant && (k.file == file || k.file.equals(file));
        }
    }

    /** Most representations kept; beyond, they are computed per request (still correct). */
    private static final int MAX_PREPARED = 4096;
    private final Map<VariantKey, Representation> prepared = new ConcurrentHashMap<>();

    /** Largest body kept in a prepared response; larger ones are read from the store per request. */
    static final int KEEP_MAX = 64 * 1024;
    /**
     * Most body bytes kept in prepared responses together. A crunch store's reads are views of
     * its memory, so keeping them costs nothing; a FAT store's reads are copies, which this bounds.
     */
    static final long KEEP_BUDGET = 16L * 1024 * 1024;
    private final AtomicLong keptBytes = new AtomicLong();

    private Representation representation(KvNode.File file, Encoding variant) throws IOException {
        VariantKey key = new VariantKey(file, variant);
        Representation r = prepared.get(key);
        if (r == null) {
            boolean keep = prepared.size() < MAX_PREPARED;
            r = prepare(file, variant, keep);
            if (keep) {
                Representation first = prepared.putIfAbsent(key, r);
                if (first != null) { // another request prepared it meanwhile: give back our share
                    if (r.whole() != null) {
                        keptBytes.addAndGet(-file.length(variant));
                    }
                    r = first;
                }
            }
        }
        return r;
    }

    private Representation prepare(KvNode.File file, Encoding variant, boolean keep) throws IOException {
        String etag = variant == Encoding.GZIP ? gzipTag(file.etag()) : file.etag();
        List<String> validators = new ArrayList<>();
        if (file.hasGzip()) {
            validators.addAll(List.of("Vary", "Accept-Encoding"));
        }
        validators.addAll(List.of("ETag", etag, "Last-Modified", HttpDates.format(file.lastModified())));
        addCommon(validators);
        List<String> ok = new ArrayList<>(validators);
        ok.addAll(List.of("Content-Type", file.contentType(), "Accept-Ranges", "bytes"));
        if (variant == Encoding.GZIP) {
            ok.addAll(List.of("Content-Encoding", "gzip"));
        }
        HttpFields okFields = fields(ok);
        long length = file.length(variant);
        HttpResponse whole = null;
        if (keep && length <= KEEP_MAX) {
            if (keptBytes.addAndGet(length) <= KEEP_BUDGET) {
                whole = new HttpResponse(200, okFields, content(file, variant, 0, length));
            } else {
                keptBytes.addAndGet(-length);
            }
        }
        return new Representation(etag, fields(validators), okFields, whole);
    }

    /** With {@code mayRead} false, returns null instead of reading the store. */
    private HttpResponse serveFile(HttpRequest request, KvNode.File file, boolean mayRead) throws IOException {
        HttpFields h = request.headers();
        boolean get = request.method().equals("GET");
        String range = get ? h.first("Range").orElse(null) : null;
        Encoding variant = range != null ? Encoding.IDENTITY
                : ContentCodings.choose(joined(h, "Accept-Encoding"), file.hasGzip());
        if (variant == null) {
            return plain(406, "406 Not Acceptable: only identity and gzip exist\n",
                    file.hasGzip() ? HttpFields.of("Vary", "Accept-Encoding") : HttpFields.EMPTY);
        }
        Representation rep = mayRead ? representation(file, variant) : prepared.get(new VariantKey(file, variant));
        if (rep == null) {
            return null;
        }

        String ifMatch = joined(h, "If-Match");
        if (ifMatch != null) {
            if (!EntityTags.matches(ifMatch, rep.etag(), false)) {
                return plain(412, "412 Precondition Failed\n", HttpFields.EMPTY);
            }
        } else {
            var since = HttpDates.parse(h.first("If-Unmodified-Since").orElse(null));
            if (since != null && file.lastModified().isAfter(since)) {
                return plain(412, "412 Precondition Failed\n", HttpFields.EMPTY);
            }
        }
        String ifNoneMatch = joined(h, "If-None-Match");
        if (ifNoneMatch != null) {
            if (EntityTags.matches(ifNoneMatch, rep.etag(), true)) {
                return new HttpResponse(304, rep.validators(), new HttpResponse.Empty());
            }
        } else {
            var since = HttpDates.parse(h.first("If-Modified-Since").orElse(null));
            if (since != null && !file.lastModified().isAfter(since)) {
                return new HttpResponse(304, rep.validators(), new HttpResponse.Empty());
            }
        }

        long length = file.length(variant);
        if (range != null && ifRangeHolds(h.first("If-Range").orElse(null), file)) {
            List<ByteRanges.Range> ranges = ByteRanges.parse(range, length);
            if (ranges != null && !mayRead) {
                return null;
            }
            if (ranges != null) {
                return ranged(file, ranges, rep.ok());
            }
        }
        if (rep.whole() != null) {
            return rep.whole();
        }
        if (!mayRead) {
            return null;
        }
        return new HttpResponse(200, rep.ok(), content(file, variant, 0, length));
    }

    private HttpResponse ranged(KvNode.File file, List<ByteRanges.Range> ranges, HttpFields ok)
            throws IOException {
        long length = file.length();
        if (ranges.isEmpty()) {
            return plain(416, "416 Range Not Satisfiable\n", HttpFields.of("Content-Range", "bytes */" + length));
        }
        if (ranges.size() == 1) {
            ByteRanges.Range r = ranges.getFirst();
            return new HttpResponse(206, ok.with("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + length),
                    content(file, Encoding.IDENTITY, r.first(), r.length()));
        }
        String boundary = "morgana-" + file.etag().replaceAll("[^A-Za-z0-9]", "");
        List<byte[]> partHeads = new ArrayList<>(ranges.size());
        long total = 0;
        for (ByteRanges.Range r : ranges) {
            byte[] head = ("\r\n--" + boundary + "\r\nContent-Type: " + file.contentType()
                    + "\r\nContent-Range: bytes " + r.first() + "-" + r.last() + "/" + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            partHeads.add(head);
            total += head.length + r.length();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        total += tail.length;
        List<HttpFields.Field> multipart = new ArrayList<>();
        for (HttpFields.Field f : ok.fields()) {
            multipart.add(f.name().equals("Content-Type")
                    ? new HttpFields.Field("Content-Type", "multipart/byteranges; boundary=" + boundary) : f);
        }
        return new HttpResponse(206, new HttpFields(multipart), new HttpResponse.Streamed(total, sink -> {
            for (int i = 0; i < ranges.size(); i++) {
                sink.write(ByteBuffer.wrap(partHeads.get(i)));
                ByteRanges.Range r = ranges.get(i);
                copy(file, Encoding.IDENTITY, r.first(), r.length(), sink);
            }
            sink.write(ByteBuffer.wrap(tail));
        }));
    }

    /** If-Range (RFC 9110 §13.1.5): absent, or a strong ETag or the exact Last-Modified date. */
    private static boolean ifRangeHolds(String ifRange, KvNode.File file) {
        if (ifRange == null) {
            return true;
        }
        if (EntityTags.isTag(ifRange)) {
            return !ifRange.startsWith("W/") && ifRange.equals(file.etag());
        }
        var date = HttpDates.parse(ifRange);
        return date != null && date.equals(file.lastModified());
    }

    private HttpResponse.Body content(KvNode.File file, Encoding variant, long offset, long length)
            throws IOException {
        if (length <= CHUNK) {
            return new HttpResponse.Bytes(store.read(file, variant, offset, (int) length));
        }
        return new HttpResponse.Streamed(length, sink -> copy(file, variant, offset, length, sink));
    }

    private void copy(KvNode.File file, Encoding variant, long offset, long length,
                      HttpResponse.Streamed.Sink sink) throws IOException {
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            ByteBuffer piece = store.read(file, variant, offset + done, n);
            if (piece.remaining() != n) {
                throw new IOException("store returned " + piece.remaining() + " bytes of " + file.key()
                        + " at " + (offset + done) + ", expected " + n);
            }
            sink.write(piece);
            done += n;
        }
    }

    private HttpResponse redirect(String path, String query) {
        List<String> fields = new ArrayList<>(List.of("Location", encodePath(path) + (query == null ? "" : "?" + query)));
        if (options.strictTransportSecurity() != null) {
            fields.addAll(List.of("Strict-Transport-Security", options.strictTransportSecurity()));
        }
        return new HttpResponse(301, fields(fields), new HttpResponse.Empty());
    }

    private HttpResponse notFound() throws IOException {
        if (store.find("404.html").orElse(null) instanceof KvNode.File page) {
            List<String> fields = new ArrayList<>(List.of("Content-Type", page.contentType()));
            addCommon(fields);
            return new HttpResponse(404, fields(fields), content(page, Encoding.IDENTITY, 0, page.length()));
        }
        return plain(404, "404 Not Found\n", HttpFields.EMPTY);
    }

    private void addCommon(List<String> fields) {
        if (options.cacheControl() != null) {
            fields.addAll(List.of("Cache-Control", options.cacheControl()));
        }
        if (options.contentSecurityPolicy() != null) {
            fields.addAll(List.of("Content-Security-Policy", options.contentSecurityPolicy()));
        }
        if (options.strictTransportSecurity() != null) {
            fields.addAll(List.of("Strict-Transport-Security", options.strictTransportSecurity()));
        }
    }

    private HttpResponse plain(int status, String text, HttpFields extra) {
        HttpFields f = extra.with("Content-Type", TEXT);
        if (options.contentSecurityPolicy() != null) {
            f = f.with("Content-Security-Policy", options.contentSecurityPolicy());
        }
        if (options.strictTransportSecurity() != null) {
            f = f.with("Strict-Transport-Security", options.strictTransportSecurity());
        }
        return new HttpResponse(status, f,
                new HttpResponse.Bytes(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer()));
    }

    /** The ETag of the gzip variant: a different representation needs a different tag. */
    static String gzipTag(String etag) {
        return etag.substring(0, etag.length() - 1) + "-gz\"";
    }

    /** All values of a field joined with ", " (a list split over lines), or null if absent. */
    private static String joined(HttpFields h, String name) {
        String joined = null;
        for (HttpFields.Field f : h.fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                joined = joined == null ? f.value() : joined + ", " + f.value();
            }
        }
        return joined;
    }

    private static HttpFields fields(List<String> namesAndValues) {
        return HttpFields.of(namesAndValues.toArray(String[]::new));
    }

    /** Percent-encodes a decoded path for a Location field; '/' and unreserved stay. */
    static String encodePath(String path) {
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            if (keep) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
