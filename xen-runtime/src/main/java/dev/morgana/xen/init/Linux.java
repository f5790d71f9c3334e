package dev.morgana.xen.init;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls PID 1 needs, through FFM (glibc's wrappers, no JNI). Every call
 * that fails throws an {@link IOException} naming the call and the errno text.
 */
final class Linux {

    /** reboot(2) command: power the machine off. */
    static final int RB_POWER_OFF = 0x4321fedc;
    /** x86_64 system call number of finit_module(2); glibc 2.36 has no wrapper for it. */
    private static final long SYS_FINIT_MODULE = 313;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    static final int EEXIST = 17;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MOUNT = function("mount", ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle OPEN = function("open", ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT);
    private static final MethodHandle CLOSE = function("close", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle SOCKET = function("socket", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle REBOOT = function("reboot", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle SYNC = LINKER.downcallHandle(LIBC.find("sync").orElseThrow(),
            FunctionDescriptor.ofVoid());
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private Linux() {}

    private static MethodHandle function(String name, ValueLayout result, ValueLayout... arguments) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(),
                FunctionDescriptor.of(result, arguments), Linker.Option.captureCallState("errno"));
    }

    /** mount(2); {@code data} may be null. */
    static void mount(String source, String target, String type, long flags, String data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment options = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(type), flags, options);
            check(rc, state, "mount " + type + " on " + target);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * Loads a kernel module from a file with finit_module(2).
     *
     * @return true if loaded, false if the kernel already had it (EEXIST)
     */
    static boolean loadModule(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            check(fd, state, "open " + path);
            try {
                long rc = (long) SYSCALL3.invokeExact(state, SYS_FINIT_MODULE, fd, arena.allocateFrom(""), 0);
                if (rc < 0 && errno(state) == EEXIST) {
                    return false;
                }
                check((int) rc, state, "finit_module " + path);
                return true;
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** socket(2); the caller closes the descriptor with {@link #close}. */
    static int socket(int domain, int type) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, 0);
            check(fd, state, "socket");
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** ioctl(2) with a pointer argument. */
    static void ioctl(int fd, long request, MemorySegment argument, String what) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) IOCTL.invokeExact(state, fd, request, argument);
            check(rc, state, what);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            // nothing to do: the descriptor is gone either way
        }
    }

    /** Flushes and powers the machine off; returns only if the kernel refused. */
    static IOException powerOff() {
        try (Arena arena = Arena.ofConfined()) {
            SYNC.invokeExact();
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) REBOOT.invokeExact(state, RB_POWER_OFF);
            return new IOException("reboot(POWER_OFF) failed: " + errnoText(errno(state)) + " (rc " + rc + ")");
        } catch (Throwable t) {
            return new IOException("reboot(POWER_OFF) failed", t);
        }
    }

    private static void check(int rc, MemorySegment state, String what) throws IOException {
        if (rc < 0) {
            throw new IOException(what + ": " + errnoText(errno(state)));
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
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
