package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Needs squashfs-tools (mksquashfs, unsquashfs; scripts/deps.sh installs them). */
@Timeout(60)
class SquashfsRootTest {

    private static final long EPOCH = 1_767_225_600L; // 2026-01-01T00:00:00Z

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSquashfsTools() {
        boolean present = List.of("/usr/bin/mksquashfs", "/usr/bin/unsquashfs").stream()
                .allMatch(tool -> Files.isExecutable(Path.of(tool)));
        if (!present) {
            System.out.println("SquashfsRootTest skipped: no mksquashfs/unsquashfs (Debian squashfs-tools)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "squashfs-tools is not installed");
    }

    private static Initramfs sample() {
        return new Initramfs(EPOCH)
                .file("opt/app/bin/tool", "#tool".getBytes(StandardCharsets.UTF_8), 0755)
                .text("opt/app/readme", "hello")
                .charDevice("dev/console", 0600, 5, 1)
                .symlink("opt/app/data/site.img", "/tmp/morgana-disks/data/site.img")
                .directory("tmp", 0755);
    }

    private Path write(String name) throws IOException {
        Path image = tmp.resolve(name);
        SquashfsRoot.write(sample(), EPOCH, image, tmp.resolve(name + ".scratch"), SquashfsRoot.Blocks.LEAN);
        return image;
    }

    @Test
    void theSuperblockSaysSquashfs4WithXzAnd256KiBBlocksAndTheFixedTime() throws IOException {
        ByteBuffer superblock = ByteBuffer.wrap(Files.readAllBytes(write("root.squashfs"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x73717368, superblock.getInt(0), "magic hsqs: what the kernel's RAM disk loader looks for");
        assertEquals(EPOCH, superblock.getInt(8) & 0xffffffffL, "mkfs time");
        assertEquals(256 * 1024, superblock.getInt(12), "block size: write() uses Blocks.LEAN here");
        assertEquals(4, superblock.getShort(20), "compression id 4 = xz");
        assertEquals(4, superblock.getShort(28), "major version");
        assertEquals(0, superblock.getShort(30), "minor version");
        assertEquals(0, superblock.getInt(16), "no fragments: the kernel keeps no fragment cache then");
        assertTrue(Files.notExists(tmp.resolve("root.squashfs.scratch")), "the scratch folder is removed");
    }

    @Test
    void theImageHoldsEveryEntryRootOwnedWithItsModeTimeAndContent() throws IOException {
        Path image = write("root.squashfs");
        String listing = DebianKernel.run(tmp, "unsquashfs", "-lln", image.toString());
        for (String line : List.of(
                "crw------- 0/0 5, 1 2026-01-01 00:00 squashfs-root/dev/console",
                "-rwxr-xr-x 0/0 5 2026-01-01 00:00 squashfs-root/opt/app/bin/tool",
                "-rw-r--r-- 0/0 5 2026-01-01 00:00 squashfs-root/opt/app/readme",
                "lrwxrwxrwx 0/0 32 2026-01-01 00:00 squashfs-root/opt/app/data/site.img -> /tmp/morgana-disks/data/site.img",
                "drwxr-xr-x 0/0")) {
            assertTrue(listing.replaceAll(" +", " ").contains(line), line + " in\n" + listing);
        }
        DebianKernel.run(tmp, "unsquashfs", "-d", tmp.resolve("out").toString(), image.toString());
        assertArrayEquals("#tool".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(tmp.resolve("out/opt/app/bin/tool")));
        assertEquals("hello", Files.readString(tmp.resolve("out/opt/app/readme")));
    }

    @Test
    void relativePathsAreResolvedAgainstTheWorkingDirectoryNotTheScratchFolder() throws IOException {
        Path relative = Path.of("").toAbsolutePath().relativize(tmp);
        SquashfsRoot.write(sample(), EPOCH, relative.resolve("rel.squashfs"), relative.resolve("rel.scratch"),
                SquashfsRoot.Blocks.COMPACT);
        assertTrue(Files.size(tmp.resolve("rel.squashfs")) > 0);
    }

    @Test
    void compactBlocksAreOneMebibyteInTheSuperblock() throws IOException {
        Path image = tmp.resolve("compact.squashfs");
        SquashfsRoot.write(sample(), EPOCH, image, tmp.resolve("compact.scratch"), SquashfsRoot.Blocks.COMPACT);
        ByteBuffer superblock = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(SquashfsRoot.Blocks.COMPACT.bytes, superblock.getInt(12), "block size");
        assertEquals(1 << 20, SquashfsRoot.Blocks.COMPACT.bytes);
    }

    @Test
    void theSameTreeGivesTheSameBytes() throws IOException {
        assertArrayEquals(Files.readAllBytes(write("a.squashfs")), Files.readAllBytes(write("b.squashfs")));
    }
}
