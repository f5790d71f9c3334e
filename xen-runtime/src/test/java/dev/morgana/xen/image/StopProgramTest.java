package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StopProgramTest {

    @Test
    void theElfHeadersDescribeOneExecutableSegmentHoldingTheWholeFile() {
        byte[] elf = StopProgram.bytes();
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, java.util.Arrays.copyOf(elf, 7), "64-bit, little-endian ELF");
        assertEquals(2, b.getShort(16), "an executable");
        assertEquals(0x3e, b.getShort(18), "for x86-64");
        assertEquals(0x400000 + 120, b.getLong(24), "entry: the first byte after the headers");
        assertEquals(1, b.getShort(56), "one program header");
        assertEquals(1, b.getInt(64), "PT_LOAD");
        assertEquals(5, b.getInt(68), "read and execute");
        assertEquals(elf.length, b.getLong(96), "the segment is the whole file");
        assertEquals(149, elf.length);
        assertArrayEquals(elf, StopProgram.bytes(), "the same bytes every time");
    }

    /**
     * Runs the program in a new PID namespace whose PID 1 is a shell that traps SIGTERM: the
     * shell must get the signal, and the program must exit with 0. Never outside such a
     * namespace: the program signals whatever is PID 1.
     */
    @Test
    @Timeout(30)
    void itSendsSigtermToPid1AndExitsWithZero(@TempDir Path tmp) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean x86 = System.getProperty("os.arch").equals("amd64");
        boolean unshare = Files.isExecutable(Path.of("/usr/bin/unshare"));
        if (!(root && x86 && unshare)) {
            System.out.println("SKIPPED: running the stop program needs root, x86-64 and /usr/bin/unshare (a PID namespace)");
        }
        assumeTrue(root && x86 && unshare, "needs root, x86-64 and unshare");
        Path program = tmp.resolve("stop");
        Files.write(program, StopProgram.bytes());
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process shell = new ProcessBuilder("/usr/bin/unshare", "--pid", "--fork", "--kill-child", "/bin/sh", "-c",
                "trap 'echo stopped' TERM; " + program + "; echo \"status $?\"").redirectErrorStream(true).start();
        shell.getOutputStream().close();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, shell.waitFor(20, TimeUnit.SECONDS), out);
        assertEquals("stopped\nstatus 0\n", out);
        assertEquals(0, shell.exitValue(), out);
    }
}
