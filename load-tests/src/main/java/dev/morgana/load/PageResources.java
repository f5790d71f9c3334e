package dev.morgana.load;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what a browser fetches right after an HTML page: stylesheets and icons named by
 * {@code <link>} and images named by {@code <img>}. A regular-expression scan, enough for the
 * hand-written pages of a static site; links to other hosts are left out.
 */
public final class PageResources {

    private static final Pattern TAG = Pattern.compile("<(link|img)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE =
            Pattern.compile("([a-zA-Z-]+)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");
    /** A page is scanned up to this many characters: a bound on work for odd input. */
    static final int MAX_CHARS = 4 << 20;

    private PageResources() {}

    /** The site paths {@code html}, served at site path {@code pagePath}, makes a browser load. */
    public static List<String> of(String html, String pagePath) {
        Set<String> found = new LinkedHashSet<>();
        Matcher tag = TAG.matcher(html.length() > MAX_CHARS ? html.substring(0, MAX_CHARS) : html);
        while (tag.find()) {
            String name = tag.group(1).toLowerCase(Locale.ROOT);
            String rel = "";
            String ref = null;
            Matcher attribute = ATTRIBUTE.matcher(tag.group(2));
            while (attribute.find()) {
                String key = attribute.group(1).toLowerCase(Locale.ROOT);
                String value = attribute.group(2) != null ? attribute.group(2) : attribute.group(3);
                switch (key) {
                    case "rel" -> rel = value.toLowerCase(Locale.ROOT);
                    case "href" -> ref = name.equals("link") ? value : ref;
                    case "src" -> ref = name.equals("img") ? value : ref;
                    default -> { }
                }
            }
            boolean wanted = name.equals("img") || rel.contains("stylesheet") || rel.contains("icon");
            String path = ref == null ? null : resolve(ref, pagePath);
            if (wanted && path != null) {
                found.add(path);
            }
        }
        return List.copyOf(found);
    }

    /** {@code ref} as a site path, or null if it points elsewhere (another host, data:, ...). */
    static String resolve(String ref, String pagePath) {
        String bare = ref.replaceFirst("[?#].*$", "");
        if (bare.isEmpty() || bare.startsWith("//") || bare.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null;
        }
        String base = pagePath.substring(0, pagePath.lastIndexOf('/') + 1);
        String joined = bare.startsWith("/") ? bare : base + bare;
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : joined.substring(1).split("/", -1)) {
            switch (segment) {
                case "", "." -> { }
                case ".." -> segments.pollLast();
                default -> segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }
}
