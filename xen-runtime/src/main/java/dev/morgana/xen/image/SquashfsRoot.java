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
final class SquashfsRoot {

    /**
     * The squashfs block size, also the xz dictionary. The kernel keeps one decompressed data
     * block and the decompressor's dictionary for good (0.5 MiB at 256 KiB, 2 MiB at 1 MiB), and
     * a page fault decompresses the whole block around the page and fills the page cache with it:
     * in a 96 MB guest under load 256 KiB blocks cost less RAM and less work per page read again
     * than 1 MiB ones, for 0.6 MB more image (14.6 to 15.2 MB for www). No fragments (small files
     * and tails packed into shared blocks): the kernel would cache three fragment blocks for 61 KB
     * of image (docs/benchmarks.md, "RAM: the smallest guest that serves under load").
     */
    static final String BLOCK_SIZE = "256K";

    private SquashfsRoot() {}

    /**
     * Writes {@code tree} to {@code image} as a squashfs image.
     *
     * @param scratchDir a working folder, emptied first and deleted afterwards
     * @param epoch the time stamped on every file and on the file system
     */
    static void write(Initramfs tree, long epoch, Path image, Path scratchDir) throws IOException {
        // absolute: mksquashfs runs in the scratch folder
        Path out = image.toAbsolutePath();
        Path scratch = scratchDir.toAbsolutePath();
        DebianKernel.deleteTree(scratch);
        Path stage = scratch.resolve("root");
        Files.createDirectories(stage);
        List<String> command = new ArrayList<>(List.of("mksquashfs", stage.toString(), out.toString(), "-noappend",
                "-comp", "xz", "-Xbcj", "x86", "-b", BLOCK_SIZE, "-no-fragments", "-all-root", "-no-xattrs", "-no-exports",
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
