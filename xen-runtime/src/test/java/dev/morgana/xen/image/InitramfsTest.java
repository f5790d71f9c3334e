package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

@Timeout(30)
class InitramfsTest {

    @TempDir
    Path tmp;

    private Initramfs sample() throws IOException {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.writeString(tree.resolve("bin/tool"), "#tool");
        tree.resolve("bin/tool").toFile().setExecutable(true);
        Files.writeString(tree.resolve("readme"), "hello");
        return new Initramfs(1_767_225_600L)
                .tree("opt/app", tree)
                .text("etc/morgana/keys", "PORT=80\n")
                .charDevice("dev/console", 0600, 5, 1)
                .symlink("lib/libjli.so", "/opt/app/bin/tool");
    }

    private static List<CpioArchiveEntry> entries(byte[] xz, Map<String, byte[]> contents) throws IOException {
        List<CpioArchiveEntry> entries = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new XZInputStream(new ByteArrayInputStream(xz)))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                entries.add(e);
                contents.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void theSameInputsGiveTheSameBytes() throws IOException {
        byte[] first = sample().xzBytes();
        Files.setLastModifiedTime(tmp.resolve("tree/readme"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertArrayEquals(first, sample().xzBytes());
    }

    @Test
    void entriesAreNewcSortedRootOwnedWithOneTimeAndParentsFirst() throws IOException {
        Map<String, byte[]> contents = new HashMap<>();
        List<CpioArchiveEntry> entries = entries(sample().xzBytes(), contents);
        List<String> names = entries.stream().map(CpioArchiveEntry::getName).toList();
        assertEquals(List.of("dev", "dev/console", "etc", "etc/morgana", "etc/morgana/keys", "lib", "lib/libjli.so",
                "opt", "opt/app", "opt/app/bin", "opt/app/bin/tool", "opt/app/readme"), names);
        for (CpioArchiveEntry e : entries) {
            assertEquals(CpioConstants.FORMAT_NEW, e.getFormat());
            assertEquals(0, e.getUID());
            assertEquals(0, e.getGID());
            assertEquals(1_767_225_600L, e.getTime(), "seconds since 1970");
        }
        CpioArchiveEntry console = entries.get(names.indexOf("dev/console"));
        assertEquals(CpioConstants.C_ISCHR | 0600, console.getMode());
        assertEquals(5, console.getRemoteDeviceMaj());
        assertEquals(1, console.getRemoteDeviceMin());
        CpioArchiveEntry link = entries.get(names.indexOf("lib/libjli.so"));
        assertTrue(link.isSymbolicLink());
        assertEquals("/opt/app/bin/tool", new String(contents.get("lib/libjli.so"), StandardCharsets.UTF_8));
        assertEquals(CpioConstants.C_ISREG | 0755, entries.get(names.indexOf("opt/app/bin/tool")).getMode());
        assertEquals(CpioConstants.C_ISREG | 0644, entries.get(names.indexOf("opt/app/readme")).getMode());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), contents.get("opt/app/readme"));
    }

    @Test
    void theXzStreamIsWhatTheKernelUnpacks() throws IOException {
        byte[] xz = sample().xzBytes();
        // Stream header: magic, then flags 00 01 (CRC32 check; the kernel's decoder has no CRC64).
        assertArrayEquals(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 1}, java.util.Arrays.copyOf(xz, 8));
        // Block header (after the 12-byte stream header): size, flags (two filters), then the x86
        // BCJ filter (id 4, no properties) and LZMA2 (id 0x21, one property byte: the dictionary,
        // which the kernel allocates while unpacking). 16 encodes 1 MiB: 2 << (16 / 2 + 11).
        assertArrayEquals(new byte[] {0x01, 0x04, 0x00, 0x21, 0x01, 16}, java.util.Arrays.copyOfRange(xz, 13, 19));
        assertEquals(1 << 20, Initramfs.XZ_DICTIONARY);
    }

    @Test
    void pathsThatClimbOutAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Initramfs(0).text("../etc/passwd", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Initramfs(0).text("a/../../b", "x"));
    }
}
