package dev.morgana.fat;

import de.waldheinz.fs.fat.DirectoryFullException;
import de.waldheinz.fs.fat.FatFile;
import de.waldheinz.fs.fat.FatFileSystem;
import de.waldheinz.fs.fat.FatLfnDirectory;
import de.waldheinz.fs.fat.FatType;
import de.waldheinz.fs.fat.SuperFloppyFormatter;
import de.waldheinz.fs.util.RamDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.function.Consumer;

/** One build of the site into an in-memory image of a given size, with fat32-lib. */
final class TrialBuild {

    private TrialBuild() {}

    /** Thrown when FAT16's fixed root directory is full: a bigger image will not help. */
    static final class RootFull extends Exception {
        private static final long serialVersionUID = 1L;
        final int entries;

        RootFull(int entries) {
            super(null, null, false, false);
            this.entries = entries;
        }
    }

    /** A trial build that fitted: its image and the free space it left. */
    record Trial(ByteBuffer image, long freeBytes) {}

    /** Builds the image at {@code size} bytes, or returns null if the site does not fit. */
    static Trial attempt(SiteTree.Dir root, long totalBytes, FatType type, long size, Consumer<String> progress,
            boolean last) throws IOException, RootFull {
        if (!last) {
            progress.accept("fat: trying " + type.name() + " of " + size + " bytes");
        }
        RamDisk disk = new RamDisk(Math.toIntExact(size));
        FatFileSystem fs = SuperFloppyFormatter.get(disk).setFatType(type).setOemName("MORGANA").format();
        Writer writer = new Writer(progress, last ? totalBytes : -1);
        try {
            writer.directory(fs.getRoot(), root, true);
            fs.close();
        } catch (NoSpace e) {
            return null;
        }
        ByteBuffer image = disk.getBuffer().duplicate().clear();
        FatVolume volume = FatVolume.open(new MemoryBlock("trial", image));
        return new Trial(image, volume.freeClusters() * volume.geometry().clusterBytes());
    }

    private static final class NoSpace extends Exception {
        private static final long serialVersionUID = 1L;

        NoSpace() {
            super(null, null, false, false);
        }
    }

    /** Copies the site tree into a fat32-lib file system. */
    private static final class Writer {
        private final Consumer<String> progress;
        private final long total;
        private long written;
        private long nextReport;
        private final byte[] buffer = new byte[1 << 20];

        Writer(Consumer<String> progress, long total) {
            this.progress = progress;
            this.total = total;
            this.nextReport = Math.max(total / 10, 32L << 20);
        }

        void directory(FatLfnDirectory target, SiteTree.Dir dir, boolean root) throws IOException, NoSpace, RootFull {
            for (SiteTree.Node n : dir.children()) {
                try {
                    switch (n) {
                        case SiteTree.Dir d -> directory(target.addDirectory(d.name()).getDirectory(), d, false);
                        case SiteTree.File f -> file(target.addFile(f.name()).getFile(), f);
                        case SiteTree.Blob b -> {
                            FatFile file = target.addFile(b.name()).getFile();
                            file.setLength(b.bytes().length);
                            file.write(0, ByteBuffer.wrap(b.bytes()));
                        }
                    }
                } catch (DirectoryFullException e) {
                    if (root) {
                        throw new RootFull(dir.children().size());
                    }
                    throw new FatBuildException("directory \"" + dir.key() + "\" has more entries than FAT allows", e);
                } catch (IOException e) {
                    if (isNoSpace(e)) {
                        throw new NoSpace();
                    }
                    throw new FatBuildException("writing \"" + n.key() + "\": " + e.getMessage(), e);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new FatBuildException("writing \"" + n.key() + "\": " + e.getMessage(), e);
                }
            }
        }

        private void file(FatFile target, SiteTree.File f) throws IOException {
            target.setLength(f.size());
            long offset = 0;
            try (InputStream in = Files.newInputStream(f.path())) {
                for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                    if (offset + n > f.size()) {
                        throw new FatBuildException(f.path() + " grew during the build");
                    }
                    target.write(offset, ByteBuffer.wrap(buffer, 0, n));
                    offset += n;
                    report(n);
                }
            }
            if (offset != f.size()) {
                throw new FatBuildException(f.path() + " shrank during the build");
            }
        }

        private void report(int n) {
            written += n;
            if (total > 0 && written >= nextReport) {
                progress.accept("fat: written " + (written >> 20) + " of " + (total >> 20) + " MiB");
                nextReport += Math.max(total / 10, 32L << 20);
            }
        }

        private static boolean isNoSpace(IOException e) {
            String m = e.getMessage();
            return m != null && m.startsWith("FAT Full");
        }
    }
}
