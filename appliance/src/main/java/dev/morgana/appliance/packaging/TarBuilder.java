package dev.morgana.appliance.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Collects files, directories and symlinks and writes them as a tar whose bytes depend only on
 * the content: entries sorted by path, parents before children, one fixed time, owner root
 * (or a given uid), no user or group names. Used for the unix tarball and the OCI layers.
 */
public final class TarBuilder {

    private sealed interface Node permits Dir, File, Link {}

    private record Dir(int mode) implements Node {}

    private record File(Path source, byte[] content, int mode) implements Node {}

    private record Link(String target) implements Node {}

    private final SortedMap<String, Node> entries = new TreeMap<>();
    private final Instant time;
    private final int uid;

    /**
     * @param time the modification time of every entry
     * @param uid the owner of every entry (gid too)
     */
    public TarBuilder(Instant time, int uid) {
        this.time = time;
        this.uid = uid;
    }

    /** Adds a directory (and its missing parents) at {@code path} ("opt/morgana"). */
    public TarBuilder directory(String path, int mode) {
        addParents(path);
        entries.put(path.endsWith("/") ? path : path + "/", new Dir(mode));
        return this;
    }

    /** Adds a file with the given content. */
    public TarBuilder file(String path, byte[] content, int mode) {
        addParents(path);
        entries.put(path, new File(null, content, mode));
        return this;
    }

    /** Adds a file read from disk when the tar is written. */
    public TarBuilder file(String path, Path source, int mode) {
        addParents(path);
        entries.put(path, new File(source, null, mode));
        return this;
    }

    /** Adds a symbolic link. */
    public TarBuilder symlink(String path, String target) {
        addParents(path);
        entries.put(path, new Link(target));
        return this;
    }

    /**
     * Adds a directory tree from disk under {@code prefix}, keeping executable bits and
     * symlinks (as links).
     */
    public TarBuilder tree(String prefix, Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted().toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                String name = rel.isEmpty() ? prefix : prefix + "/" + rel;
                if (Files.isSymbolicLink(p)) {
                    symlink(name, Files.readSymbolicLink(p).toString());
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    directory(name, 0755);
                } else {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    file(name, p, perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644);
                }
            }
        }
        return this;
    }

    private void addParents(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (int slash = trimmed.indexOf('/'); slash > 0; slash = trimmed.indexOf('/', slash + 1)) {
            entries.putIfAbsent(trimmed.substring(0, slash + 1), new Dir(0755));
        }
    }

    /** Writes the uncompressed tar. */
    public void writeTar(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (var e : entries.entrySet()) {
            String name = e.getKey();
            TarArchiveEntry entry = switch (e.getValue()) {
                case Dir d -> {
                    TarArchiveEntry t = new TarArchiveEntry(name);
                    t.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | d.mode());
                    yield t;
                }
                case File f -> {
                    TarArchiveEntry t = new TarArchiveEntry(name);
                    t.setSize(f.content() != null ? f.content().length : Files.size(f.source()));
                    t.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | f.mode());
                    yield t;
                }
                case Link l -> {
                    TarArchiveEntry t = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    t.setLinkName(l.target());
                    t.setMode(0120777);
                    yield t;
                }
            };
            entry.setModTime(time.toEpochMilli());
            entry.setIds(uid, uid);
            entry.setUserName("");
            entry.setGroupName("");
            tar.putArchiveEntry(entry);
            if (e.getValue() instanceof File f) {
                if (f.content() != null) {
                    tar.write(f.content());
                } else {
                    Files.copy(f.source(), tar);
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    /** The uncompressed tar as bytes. */
    public byte[] tarBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTar(out);
        return out.toByteArray();
    }

    /** Gzips {@code data} with a fixed header (no name, time 0) so the bytes are reproducible. */
    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(9);
        parameters.setModificationTime(0);
        parameters.setOperatingSystem(3); // Unix, whatever machine builds it
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, parameters)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
