package dev.morgana.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * What a simulation runs against and how hard. Each value comes from the system property
 * {@code load.NAME}, else the environment variable {@code LOAD_NAME}, else its default; a bad
 * value fails the run before any request, naming the parameter.
 *
 * @param url      the appliance's base URL, http or https (load.url, default http://127.0.0.1:8080)
 * @param users    concurrent visitors of simulation 1 (load.users, default 10)
 * @param rate     small-file requests started per second by simulation 2 (load.rate, default 50)
 * @param duration how long each scenario injects load (load.duration, seconds, default 30)
 * @param think    a visitor's longest pause between pages (load.think, seconds, default 2; 0 = none)
 * @param pages    how many pages a visitor reads, the home page first (load.pages, default 3)
 * @param bulkUsers concurrent downloaders of simulation 3 (load.bulk.users, default 4)
 * @param warmup   seconds of simulation 2 ramping up to the rate before the measured part, its
 *                 requests named "warm-up" (load.warmup, default 0)
 * @param p99      when set, the run fails unless the 99th percentile response time is below this
 *                 (load.p99, milliseconds; unset by default)
 * @param site     the files the appliance serves: the manifest generated at build time, or the
 *                 site folder named by load.htdocs, scanned at start
 */
public record LoadParameters(URI url, int users, int rate, Duration duration, Duration think, int pages,
                             int bulkUsers, Duration warmup, OptionalInt p99, List<SiteFile> site) {

    /** Parameters read from system properties and the environment. */
    public static LoadParameters fromEnvironment() {
        return from(name -> {
            String property = System.getProperty("load." + name);
            if (property != null && !property.isBlank()) {
                return property.trim();
            }
            String variable = System.getenv("LOAD_" + name.toUpperCase(Locale.ROOT).replace('.', '_'));
            return variable == null || variable.isBlank() ? null : variable.trim();
        });
    }

    /** Parameters from {@code lookup} (name without "load." → value or null). */
    public static LoadParameters from(Function<String, String> lookup) {
        String htdocs = lookup.apply("htdocs");
        List<SiteFile> site;
        try {
            site = htdocs == null ? ChecksumManifest.fromClassPath() : ChecksumManifest.scan(Path.of(htdocs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String p99 = lookup.apply("p99");
        return new LoadParameters(
                url(lookup.apply("url")),
                integer(lookup, "users", 10, 1),
                integer(lookup, "rate", 50, 1),
                Duration.ofSeconds(integer(lookup, "duration", 30, 1)),
                Duration.ofSeconds(integer(lookup, "think", 2, 0)),
                integer(lookup, "pages", 3, 1),
                integer(lookup, "bulk.users", 4, 1),
                Duration.ofSeconds(integer(lookup, "warmup", 0, 0)),
                p99 == null ? OptionalInt.empty() : OptionalInt.of(integer(lookup, "p99", 0, 1)),
                site);
    }

    private static URI url(String value) {
        String text = value == null ? "http://127.0.0.1:8080" : value;
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("load.url: not a URL: " + text, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("load.url: expected http://HOST[:PORT] or https://HOST[:PORT], got " + text);
        }
        return uri;
    }

    private static int integer(Function<String, String> lookup, String name, int fallback, int min) {
        String value = lookup.apply(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("load." + name + ": expected an integer >= " + min + ", got '" + value + "'");
        }
    }

    /** True when the base URL is https. */
    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    /** The pages a visitor may read (HTML files other than the 404 page). */
    public List<SiteFile> readablePages() {
        return site.stream().filter(SiteFile::isPage).filter(f -> !f.path().equals("/404.html")).toList();
    }

    /** The home page: "/index.html", else the first page. */
    public SiteFile home() {
        List<SiteFile> pages = readablePages();
        if (pages.isEmpty()) {
            throw new IllegalStateException("the site has no HTML page to visit");
        }
        return pages.stream().filter(f -> f.path().equals("/index.html")).findFirst().orElse(pages.getFirst());
    }

    /** Files of at most {@code limit} bytes, the "small files" of simulation 2. */
    public List<SiteFile> smallFiles(long limit) {
        List<SiteFile> small = site.stream().filter(f -> f.length() <= limit).toList();
        if (small.isEmpty()) {
            throw new IllegalStateException("the site has no file of at most " + limit + " bytes");
        }
        return small;
    }

    /** The largest file, the bulk download of simulation 3. */
    public SiteFile largest() {
        return site.stream().max(java.util.Comparator.comparingLong(SiteFile::length)).orElseThrow();
    }
}
