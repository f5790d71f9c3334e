package dev.morgana.xen.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * A deterministic initramfs: a newc cpio archive, xz-compressed. Entries are written sorted by
 * path (a directory before what it holds), owned by root, with one fixed time, so the same
 * inputs give the same bytes.
 */
public final class Initramfs {

    /**
     * The kernel's unpacker allocates the whole dictionary while the compressed initramfs and the
     * files unpacked so far are all in RAM: 8 MiB made a 96 MB guest run out of memory while
     * unpacking, 1 MiB costs about 0.3 MB of file size (docs/xen.md, "Memory").
     */
    static final int XZ_DICTIONARY = 1 << 20;

    /** A character device of the tree, for {@link #stage}. */
    record DeviceNode(String path, int mode, int major, int minor) {}

    private sealed interface Node permits Directory, RegularFile, Symlink, CharDevice {}

    private record Directory(int mode) implements Node {}

    private record RegularFile(byte[] content, int mode) implements Node {}

    private record Symlink(String target) implements Node {}

    private record CharDevice(int mode, int major, int minor) implements Node {}

    private final SortedMap<String, Node> nodes = new TreeMap<>();
    private final long mtime;

    /** @param mtime seconds since 1970 stamped on every entry */
    public Initramfs(long mtime) {
        this.mtime = mtime;
    }

    public Initramfs directory(String path, int mode) {
        String clean = clean(path);
        if (!clean.isEmpty()) {
            parents(clean);
            nodes.put(clean, new Directory(mode));
        }
        return this;
    }

    public Initramfs file(String path, byte[] content, int mode) {
        String clean = clean(path);
        parents(clean);
        nodes.put(clean, new RegularFile(content.clone(), mode));
        return this;
    }

    public Initramfs file(String path, Path source, int mode) throws IOException {
        return file(path, Files.readAllBytes(source), mode);
    }

    public Initramfs text(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public Initramfs symlink(String path, String target) {
        String clean = clean(path);
        parents(clean);
        nodes.put(clean, new Symlink(target));
        return this;
    }

    public Initramfs charDevice(String path, int mode, int major, int minor) {
        String clean = clean(path);
        parents(clean);
        nodes.put(clean, new CharDevice(mode, major, minor));
        return this;
    }

    /** Adds {@code source}'s files under {@code path}, keeping their executable bits. */
    public Initramfs tree(String path, Path source) throws IOException {
        try (var walk = Files.walk(source)) {
            for (Path p : walk.sorted().toList()) {
                String relative = source.relativize(p).toString().replace('\\', '/');
                String target = relative.isEmpty() ? path : path + "/" + relative;
                if (Files.isSymbolicLink(p)) {
                    symlink(target, Files.readSymbolicLink(p).toString());
                } else if (Files.isDirectory(p)) {
                    directory(target, 0755);
                } else {
                    file(target, p, Files.isExecutable(p) ? 0755 : 0644);
                }
            }
        }
        return this;
    }

    /** The paths in the archive, sorted. */
    public Set<String> paths() {
        return java.util.Collections.unmodifiableSet(nodes.keySet());
    }

    /**
     * Writes the archive xz-compressed the way the kernel's unpacker reads it (CONFIG_RD_XZ): the
     * x86 BCJ filter (the image is mostly x86 code), LZMA2 with a 1 MiB dictionary (the kernel
     * allocates it while unpacking, so it must stay small beside a 96 MB guest) and a CRC32
     * check (the kernel's decoder does not do CRC64). Single-threaded, so the bytes are fixed.
     */
    public void writeXz(OutputStream out) throws IOException {
        LZMA2Options lzma2 = new LZMA2Options(LZMA2Options.PRESET_MAX);
        lzma2.setDictSize(XZ_DICTIONARY);
        XZOutputStream xz = new XZOutputStream(new NonClosing(out),
                new FilterOptions[] {new X86Options(), lzma2}, XZ.CHECK_CRC32);
        writeCpio(xz);
        xz.finish();
    }

    /** Writes the uncompressed newc archive. */
    public void writeCpio(OutputStream out) throws IOException {
        CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(new NonClosing(out), CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name());
        long inode = 1;
        for (var e : nodes.entrySet()) {
            CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.getKey());
            entry.setInode(inode++);
            entry.setUID(0);
            entry.setGID(0);
            entry.setNumberOfLinks(1);
            entry.setTime(mtime);
            byte[] data = new byte[0];
            switch (e.getValue()) {
                case Directory d -> {
                    entry.setMode(CpioConstants.C_ISDIR | d.mode());
                    entry.setNumberOfLinks(2);
                }
                case RegularFile f -> {
                    entry.setMode(CpioConstants.C_ISREG | f.mode());
                    data = f.content();
                }
                case Symlink s -> {
                    entry.setMode(CpioConstants.C_ISLNK | 0777);
                    data = s.target().getBytes(StandardCharsets.UTF_8);
                }
                case CharDevice c -> {
                    entry.setMode(CpioConstants.C_ISCHR | c.mode());
                    entry.setRemoteDeviceMaj(c.major());
                    entry.setRemoteDeviceMin(c.minor());
                }
            }
            entry.setSize(data.length);
            cpio.putArchiveEntry(entry);
            cpio.write(data);
            cpio.closeArchiveEntry();
        }
        cpio.finish();
        cpio.close();
    }

    /**
     * Writes the tree into the empty folder {@code dir} (directories, files and links with their
     * modes) for a file-system writer that reads folders; device nodes cannot be made there
     * without root, so each is handed to {@code devices} instead.
     */
    void stage(Path dir, Consumer<DeviceNode> devices) throws IOException {
        SortedMap<Path, Integer> directoryModes = new TreeMap<>();
        for (var e : nodes.entrySet()) {
            Path target = dir.resolve(e.getKey());
            switch (e.getValue()) {
                case Directory d -> {
                    Files.createDirectories(target);
                    directoryModes.put(target, d.mode());
                }
                case RegularFile f -> {
                    Files.write(target, f.content());
                    Files.setPosixFilePermissions(target, permissions(f.mode()));
                }
                case Symlink s -> Files.createSymbolicLink(target, Path.of(s.target()));
                case CharDevice c -> devices.accept(new DeviceNode(e.getKey(), c.mode(), c.major(), c.minor()));
            }
        }
        // Last, so a read-only directory mode cannot stop its own files being written.
        for (var directory : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(directory.getKey(), permissions(directory.getValue()));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) { // values() runs OWNER_READ ... OTHERS_EXECUTE: bit 8 down to 0
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /** The xz-compressed archive's bytes. */
    public byte[] xzBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writeXz(bytes);
        return bytes.toByteArray();
    }


    private void parents(String path) {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            String parent = path.substring(0, slash);
            if (!nodes.containsKey(parent)) {
                directory(parent, 0755);
            }
        }
    }

    private static String clean(String path) {
        String clean = path;
        while (clean.startsWith("/")) {
            clean = clean.substring(1);
        }
        while (clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (clean.contains("//") || clean.equals("..") || clean.startsWith("../") || clean.contains("/../")) {
            throw new IllegalArgumentException("bad path in initramfs: " + path);
        }
        return clean;
    }

    /** Lets the cpio stream finish without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
