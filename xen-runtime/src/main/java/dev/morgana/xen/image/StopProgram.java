package dev.morgana.xen.image;

import dev.morgana.xen.init.Init;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The VM's poweroff command, which the kernel runs on {@code xl shutdown}: a 149-byte static
 * x86-64 ELF executable that sends SIGTERM to PID 1 (the appliance, which then stops gracefully)
 * and exits with kill's result (0, or the errno's negation in its low byte). It replaced a second
 * JVM doing the same, whose start took 8 MB of a 96 MB guest's available memory under real Xen:
 * the guest fell into page faults and did not stop within two minutes. No libc, no loader: two
 * system calls.
 */
public final class StopProgram {

    /** Where the program lies in the image; the init names it in /proc/sys/kernel/poweroff_cmd. */
    public static final String PATH = Init.STOP_PROGRAM.substring(1);

    private static final long LOAD_ADDRESS = 0x400000;
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    private static final int SIGTERM = 15;
    private static final int SYS_KILL = 62;
    private static final int SYS_EXIT = 60;

    private StopProgram() {}

    /** The executable's bytes (the same every time). */
    public static byte[] bytes() {
        byte[] code = code();
        int size = ELF_HEADER + PROGRAM_HEADER + code.length;
        ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header: 64-bit, little-endian, version 1, System V ABI; an executable for x86-64.
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        elf.putShort((short) 2).putShort((short) 0x3e).putInt(1);
        elf.putLong(LOAD_ADDRESS + ELF_HEADER + PROGRAM_HEADER); // entry: the code after the headers
        elf.putLong(ELF_HEADER).putLong(0); // program headers right after this one; no section headers
        elf.putInt(0).putShort((short) ELF_HEADER).putShort((short) PROGRAM_HEADER).putShort((short) 1);
        elf.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        // One loadable segment, read and execute: the whole file at LOAD_ADDRESS.
        elf.putInt(1).putInt(5).putLong(0).putLong(LOAD_ADDRESS).putLong(LOAD_ADDRESS);
        elf.putLong(size).putLong(size).putLong(0x1000);
        return elf.put(code).array();
    }

    /** kill(1, SIGTERM); exit(its result). */
    private static byte[] code() {
        ByteBuffer code = ByteBuffer.allocate(29).order(ByteOrder.LITTLE_ENDIAN);
        code.put((byte) 0xbf).putInt(1); //              mov edi, 1        (pid)
        code.put((byte) 0xbe).putInt(SIGTERM); //        mov esi, SIGTERM
        code.put((byte) 0xb8).putInt(SYS_KILL); //       mov eax, SYS_kill
        code.put((byte) 0x0f).put((byte) 0x05); //        syscall
        code.put((byte) 0x89).put((byte) 0xc7); //        mov edi, eax      (exit status: kill's result)
        code.put((byte) 0xb8).putInt(SYS_EXIT); //       mov eax, SYS_exit
        code.put((byte) 0x0f).put((byte) 0x05); //        syscall
        return code.array();
    }
}
