package dev.morgana.appliance.build;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes jars whose bytes depend only on their content: entries sorted, directories listed,
 * one fixed timestamp, no extra fields. Data files are stored uncompressed so they can be
 * read without inflating.
 */
public final class DeterministicJar {

    /** The DOS timestamp every entry gets (the zip format cannot say 1970). */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

    private DeterministicJar() {}

    /**
     * Writes {@code entries} (name to bytes) into {@code jar}.
     *
     * @param stored names whose content is stored rather than deflated
     */
    public static void write(Path jar, Map<String, byte[]> entries, java.util.Set<String> stored) throws IOException {
        write(jar, entries, stored::contains);
    }

    /**
     * Writes {@code entries} into {@code jar} with every entry stored, for a jar that is itself
     * compressed as a whole later (an image layer, a .tar.gz, a squashfs): one compressor over
     * all the class bytes finds the repetitions between classes that per-entry deflate cannot.
     */
    public static void writeUncompressed(Path jar, Map<String, byte[]> entries) throws IOException {
        write(jar, entries, name -> true);
    }

    private static void write(Path jar, Map<String, byte[]> entries, Predicate<String> stored) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>(entries);
        TreeSet<String> directories = new TreeSet<>();
        for (String name : files.keySet()) {
            for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
                directories.add(name.substring(0, slash + 1));
            }
        }
        SortedMap<String, byte[]> all = new TreeMap<>(files);
        directories.forEach(d -> all.put(d, null));
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTimeLocal(FIXED_TIME);
                byte[] content = e.getValue() == null ? new byte[0] : e.getValue();
                if (e.getValue() == null || stored.test(e.getKey())) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        }
    }

    /** Reads a directory tree of files into jar entries ('/'-separated names, sorted). */
    public static Map<String, byte[]> entriesOf(Path directory) throws IOException {
        SortedMap<String, byte[]> entries = new TreeMap<>();
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                entries.put(directory.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return entries;
    }
}
