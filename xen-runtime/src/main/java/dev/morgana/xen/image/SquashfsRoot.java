package dev.morgana.xen.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The small kernel's root file system: the image's tree as a read-only squashfs (xz, x86 BCJ),
 * which the kernel loads into a RAM disk and mounts as root ({@code root=/dev/ram0}, the old-style
 * initrd path). Against an initramfs, only the compressed image stays in the guest's RAM (about
 * 18 MB instead of 60 MB of unpacked files); the files' pages are page cache that the kernel may
 * drop under pressure and decompress again. Written by {@code mksquashfs} (Debian's
 * squashfs-tools), deterministically: every file root-owned, one time stamp, no extended
 * attributes, and mksquashfs's output does not depend on its thread count.
 */
public final class SquashfsRoot {

    /**
     * The squashfs block size, also the xz dictionary: the smallest image, or the least RAM.
     * The kernel keeps one decompressed data block and the decompressor's dictionary for good,
     * and a page fault decompresses the whole block around the page into the page cache. No
     * fragments either way (small files and tails packed into shared blocks): the kernel would
     * cache three fragment blocks for 61 KB of image (docs/benchmarks.md, "RAM: the smallest guest
     * that serves under load").
     */
    public enum Blocks {
        /** 1 MiB: the smallest image (www with the build JDK's VM: kernel + root just under 20 MB). */
        COMPACT(1 << 20),
        /**
         * 256 KiB: 1.5 MiB less kernel memory and a quarter of the work per page read again, for
         * about 0.6 MB more image; what a 96 MB guest under load needs (passes twice as fast).
         */
        LEAN(256 * 1024);

        /** The block size in bytes, as the superblock records it. */
        public final int bytes;

        Blocks(int bytes) {
            this.bytes = bytes;
        }

        /** mksquashfs's {@code -b} argument. */
        String option() {
            return bytes / 1024 + "K";
        }
    }

    private SquashfsRoot() {}

    /**
     * Writes {@code tree} to {@code image} as a squashfs image.
     *
     * @param scratchDir a working folder, emptied first and deleted afterwards
     * @param epoch the time stamped on every file and on the file system
     * @param blocks the block size
     */
    static void write(Initramfs tree, long epoch, Path image, Path scratchDir, Blocks blocks) throws IOException {
        // absolute: mksquashfs runs in the scratch folder
        Path out = image.toAbsolutePath();
        Path scratch = scratchDir.toAbsolutePath();
        DebianKernel.deleteTree(scratch);
        Path stage = scratch.resolve("root");
        Files.createDirectories(stage);
        List<String> command = new ArrayList<>(List.of("mksquashfs", stage.toString(), out.toString(), "-noappend",
                "-comp", "xz", "-Xbcj", "x86", "-b", blocks.option(), "-no-fragments", "-all-root", "-no-xattrs", "-no-exports",
                "-all-time", Long.toString(epoch), "-mkfs-time", Long.toString(epoch), "-quiet", "-no-progress"));
        List<String> pseudo = new ArrayList<>();
        tree.stage(stage, device -> pseudo.add(device.path() + " c " + Integer.toOctalString(device.mode())
                + " 0 0 " + device.major() + " " + device.minor()));
        for (String definition : pseudo) {
            command.add("-p");
            command.add(definition);
        }
        Files.deleteIfExists(out);
        try {
            DebianKernel.run(scratch, command.toArray(String[]::new));
        } finally {
            DebianKernel.deleteTree(scratch);
        }
    }
}
