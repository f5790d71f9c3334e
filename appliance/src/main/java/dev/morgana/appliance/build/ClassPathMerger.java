package dev.morgana.appliance.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

/**
 * Merges an appliance's class path into one jar, because the JVM pays for every jar at start:
 * looking up a resource (the crunch store) or a service provider (the selector provider behind
 * {@code ServerSocketChannel.open}) opens and reads each jar's central directory in turn,
 * interpreted. The merged jar answers exactly as the class path did: for a name held by
 * several jars the first jar's entry wins, except the service files under
 * {@code META-INF/services/}, whose lines are joined in class-path order (a class path offers
 * every jar's providers). Signed jars (Bouncy Castle's) are merged too, without their
 * signature files: the JDK's AOT cache skips every class of a signed jar, and loading one
 * checks its digest; OpenJDK does not require a security provider's jar to be signed. The
 * jars' manifests and {@code module-info} classes (ignored on a class path) are left out, and
 * the merged jar is marked Multi-Release if one of its inputs was. The crunch store is always
 * stored, to be read in place; classes are deflated or stored as {@link Classes} says.
 */
public final class ClassPathMerger {

    private static final String SERVICES = "META-INF/services/";
    /** The crunch store's entry: read in place, never deflated. */
    private static final String CRUNCH_SUFFIX = ".crunch";
    /** The most a byte array holds (the crunch store is one entry). */
    private static final int MAX_ENTRY_BYTES = Integer.MAX_VALUE - 16;

    private ClassPathMerger() {}

    /** How the merged jar holds its classes and other resources (the crunch store is always stored). */
    public enum Classes {
        /**
         * Deflated: the smaller file on disk and in a VM's page cache, and start-up measured
         * about 5 ms quicker on the unix artefact (medians of 20 runs, 79-90 against 90-101 ms).
         */
        DEFLATED,
        /**
         * Stored: for an OCI image, whose layer compressor then sees every class at once and
         * finds what repeats between them (the www image's zstd layer: 148 KB smaller).
         */
        STORED
    }

    /**
     * Writes the jars of {@code classPath} into {@code merged} (which may be one of them) and
     * deletes the others.
     *
     * @param classes whether classes and resources are deflated or stored
     * @return the new class path: {@code merged} alone
     */
    public static List<Path> merge(List<Path> classPath, Path merged, Classes classes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
        boolean multiRelease = false;
        for (Path jar : classPath) {
            try (JarFile file = new JarFile(jar.toFile(), false)) {
                Manifest manifest = file.getManifest();
                multiRelease |= manifest != null
                        && "true".equalsIgnoreCase(manifest.getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
                for (ZipEntry e : file.stream().toList()) {
                    String name = e.getName();
                    if (e.isDirectory() || leftOut(name)) {
                        continue;
                    }
                    if (name.startsWith(SERVICES)) {
                        ByteArrayOutputStream lines = services.computeIfAbsent(name, n -> new ByteArrayOutputStream());
                        byte[] content = read(file, e, jar);
                        lines.write(content);
                        if (content.length > 0 && content[content.length - 1] != '\n') {
                            lines.write('\n');
                        }
                    } else if (!entries.containsKey(name)) {
                        entries.put(name, read(file, e, jar));
                    }
                }
            }
        }
        services.forEach((name, lines) -> entries.put(name, lines.toByteArray()));
        if (multiRelease) {
            entries.put(JarFile.MANIFEST_NAME,
                    "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        }
        Path temporary = merged.resolveSibling(merged.getFileName() + ".merging");
        if (classes == Classes.STORED) {
            DeterministicJar.writeUncompressed(temporary, entries);
        } else {
            DeterministicJar.write(temporary, entries, entries.keySet().stream()
                    .filter(name -> name.endsWith(CRUNCH_SUFFIX)).collect(Collectors.toSet()));
        }
        Files.move(temporary, merged, StandardCopyOption.REPLACE_EXISTING);
        for (Path jar : classPath) {
            if (!jar.equals(merged)) {
                Files.delete(jar);
            }
        }
        return List.of(merged);
    }

    /**
     * Entries left out: a jar's manifest, index and signature files (which would not match the
     * merged jar), and module descriptors (a class path ignores them).
     */
    private static boolean leftOut(String name) {
        if (name.equals(JarFile.MANIFEST_NAME) || name.equals("META-INF/INDEX.LIST")
                || name.equals("module-info.class") || name.endsWith("/module-info.class")) {
            return true;
        }
        if (name.startsWith("META-INF/") && name.indexOf('/', "META-INF/".length()) < 0) {
            String upper = name.toUpperCase(java.util.Locale.ROOT);
            return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC")
                    || upper.startsWith("META-INF/SIG-");
        }
        return false;
    }

    private static byte[] read(JarFile file, ZipEntry e, Path jar) throws IOException {
        if (e.getSize() > MAX_ENTRY_BYTES) {
            throw new IOException(e.getName() + " in " + jar + " is larger than " + MAX_ENTRY_BYTES + " bytes");
        }
        try (InputStream in = file.getInputStream(e)) {
            byte[] content = in.readNBytes(MAX_ENTRY_BYTES);
            if (content.length == MAX_ENTRY_BYTES) {
                throw new IOException(e.getName() + " in " + jar + " is larger than " + MAX_ENTRY_BYTES + " bytes");
            }
            return content;
        }
    }
}
