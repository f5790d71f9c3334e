package dev.morgana.xen.init;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls PID 1 needs, through FFM (no JNI). All go through one downcall
 * handle, glibc's {@code syscall(2)} with six integer arguments: under software emulation each
 * distinct handle shape costs seconds of JVM start, so there is exactly one. Every call that
 * fails throws an {@link IOException} naming the call and the errno.
 */
final class Linux {

    // x86_64 system call numbers.
    private static final long SYS_CLOSE = 3;
    private static final long SYS_IOCTL = 16;
    private static final long SYS_SOCKET = 41;
    private static final long SYS_KILL = 62;
    private static final long SYS_SYNC = 162;
    private static final long SYS_MOUNT = 165;
    private static final long SYS_REBOOT = 169;
    private static final long SYS_OPENAT = 257;
    private static final long SYS_FINIT_MODULE = 313;

    private static final long AT_FDCWD = -100;
    private static final long O_RDONLY = 0;
    private static final long O_CLOEXEC = 0x80000;
    private static final long REBOOT_MAGIC1 = 0xfee1deadL;
    private static final long REBOOT_MAGIC2 = 672274793L;
    /** reboot(2) command: power the machine off. */
    private static final long REBOOT_POWER_OFF = 0x4321fedcL;
    static final int EEXIST = 17;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL;

    static {
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(l, l, l, l, l, l, l), Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"));
    }

    private Linux() {}

    /** A failed system call: {@code errno} as the kernel set it. */
    static final class SyscallException extends IOException {
        private final int errno;

        SyscallException(String what, int errno) {
            super(what + ": " + errnoText(errno));
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    /** Calls {@code syscall(number, a...)}; returns its non-negative result or throws. */
    private static long call(String what, long number, long a, long b, long c, long d, long e) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long rc = (long) SYSCALL.invokeExact(state, number, a, b, c, d, e);
            if (rc < 0) {
                throw new SyscallException(what, (int) ERRNO.get(state, 0L));
            }
            return rc;
        } catch (IOException | RuntimeException | Error t) {
            throw t;
        } catch (Throwable t) {
            throw new IOException(what, t);
        }
    }

    /** mount(2); {@code data} may be null. */
    static void mount(String source, String target, String type, long flags, String data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            long options = data == null ? 0 : arena.allocateFrom(data).address();
            call("mount " + type + " on " + target, SYS_MOUNT, arena.allocateFrom(source).address(),
                    arena.allocateFrom(target).address(), arena.allocateFrom(type).address(), flags, options);
        }
    }

    /**
     * Loads a kernel module from a file with finit_module(2).
     *
     * @return true if loaded, false if the kernel already had it (EEXIST)
     */
    static boolean loadModule(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            long fd = call("open " + path, SYS_OPENAT, AT_FDCWD, arena.allocateFrom(path).address(),
                    O_RDONLY | O_CLOEXEC, 0, 0);
            try {
                call("finit_module " + path, SYS_FINIT_MODULE, fd, arena.allocateFrom("").address(), 0, 0, 0);
                return true;
            } catch (SyscallException e) {
                if (e.errno() == EEXIST) {
                    return false;
                }
                throw e;
            } finally {
                close((int) fd);
            }
        }
    }

    /** socket(2); the caller closes the descriptor with {@link #close}. */
    static int socket(int domain, int type) throws IOException {
        return (int) call("socket", SYS_SOCKET, domain, type, 0, 0, 0);
    }

    /** ioctl(2) with a pointer argument. */
    static void ioctl(int fd, long request, MemorySegment argument, String what) throws IOException {
        call(what, SYS_IOCTL, fd, request, argument.address(), 0, 0);
    }

    static void close(int fd) {
        try {
            call("close", SYS_CLOSE, fd, 0, 0, 0, 0);
        } catch (IOException e) {
            // nothing to do: the descriptor is gone either way
        }
    }

    /** kill(2). */
    static void kill(long pid, int signal) throws IOException {
        call("kill " + pid, SYS_KILL, pid, signal, 0, 0, 0);
    }

    /** Flushes and powers the machine off; returns only if the kernel refused. */
    static IOException powerOff() {
        try {
            call("sync", SYS_SYNC, 0, 0, 0, 0, 0);
            call("reboot(POWER_OFF)", SYS_REBOOT, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_POWER_OFF, 0, 0);
            return new IOException("reboot(POWER_OFF) returned");
        } catch (IOException e) {
            return e;
        }
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            default -> "errno " + errno;
        };
    }
}
