package dev.morgana.fat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The size of a block device node, which {@code FileChannel.size()} reports as 0: open(2) then
 * lseek(2) to the end, through the FFM API. Works on regular files too (which tests rely on).
 */
@SuppressWarnings("restricted") // native access is the point; run with --enable-native-access
final class DeviceSize {

    private static final int O_RDONLY = 0;
    private static final int SEEK_END = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle LSEEK = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("lseek"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private DeviceSize() {}

    /** The byte length of the file or device at {@code path}. */
    static long of(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment cPath = arena.allocateFrom(path.toString());
            int fd = (int) OPEN.invokeExact(state, cPath, O_RDONLY);
            if (fd < 0) {
                throw new IOException(path + ": open failed, errno " + errno(state));
            }
            try {
                long end = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_END);
                if (end < 0) {
                    throw new IOException(path + ": lseek failed, errno " + errno(state));
                }
                return end;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(path + ": cannot size device", t);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }
}
