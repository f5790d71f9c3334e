package dev.morgana.appliance.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Dead-code elimination at class granularity for a third-party jar: rewrites it with only the
 * classes {@link ClassReachability} found reachable (and their multi-release variants), keeping
 * every other resource (manifest, licences, service files). Netty's codec-http, for instance,
 * is mostly channel handlers the HTTP server never loads. Signed jars are left whole, since
 * removing entries would not match their signature files.
 */
public final class JarShrinker {

    private static final String VERSIONS = "META-INF/versions/";
    private static final long MAX_ENTRY_BYTES = 64L * 1024 * 1024;

    private JarShrinker() {}

    /** True if the jar carries a signature, which a rewrite would invalidate. */
    public static boolean isSigned(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().map(ZipEntry::getName).anyMatch(n -> n.startsWith("META-INF/")
                    && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC")));
        }
    }

    /**
     * Rewrites {@code jar} in place, deterministically, keeping only the classes named in
     * {@code keep} (internal names) and every entry that is not a class.
     *
     * @return the number of classes removed
     */
    public static int shrink(Path jar, Set<String> keep) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        int removed = 0;
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            for (ZipEntry e : file.stream().toList()) {
                String name = e.getName();
                if (e.isDirectory()) {
                    continue; // DeterministicJar lists the directories itself
                }
                if (name.endsWith(".class") && !name.endsWith("module-info.class")
                        && !keep.contains(className(name))) {
                    removed++;
                    continue;
                }
                if (e.getSize() > MAX_ENTRY_BYTES) {
                    throw new IOException(name + " in " + jar + " is larger than " + MAX_ENTRY_BYTES + " bytes");
                }
                try (InputStream in = file.getInputStream(e)) {
                    entries.put(name, in.readNBytes((int) MAX_ENTRY_BYTES));
                }
            }
        }
        DeterministicJar.write(jar, entries, Set.of());
        return removed;
    }

    /** "META-INF/versions/11/a/B.class" and "a/B.class" are both class "a/B". */
    private static String className(String entry) {
        String name = entry;
        if (name.startsWith(VERSIONS)) {
            int slash = name.indexOf('/', VERSIONS.length());
            name = slash < 0 ? name : name.substring(slash + 1);
        }
        return name.substring(0, name.length() - ".class".length());
    }
}
