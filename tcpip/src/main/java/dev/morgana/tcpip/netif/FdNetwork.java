package dev.morgana.tcpip.netif;

import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@link Network} over one Linux file descriptor (a TAP device, a packet socket) needs
 * around its system calls: the native buffers, errno capture, {@code poll} for readability, one
 * lock per direction, and a close that waits for calls in progress. Subclasses say how a frame
 * is written ({@link #transmit}) and read.
 */
abstract sealed class FdNetwork implements Network permits TapNetwork, PacketSocketNetwork {

    /** The largest frame, a 64 KiB IP packet plus link headers, in either direction. */
    static final int BUFFER = 65536 + 64;

    /** "TAP" or "AF_PACKET", to start error messages. */
    final String kind;
    final String ifname;
    final int fd;
    final Arena arena = Arena.ofShared();
    final MemorySegment rxBuffer = arena.allocate(BUFFER);
    final MemorySegment rxErrno = Libc.errnoSegment(arena);
    final ReentrantLock rxLock = new ReentrantLock();
    private final MemorySegment txBuffer = arena.allocate(BUFFER);
    private final MemorySegment txErrno = Libc.errnoSegment(arena);
    private final MemorySegment pollFd = arena.allocate(8);
    private final ReentrantLock txLock = new ReentrantLock();
    private final MacAddress mac;
    private final int mtu;
    volatile boolean closed;

    FdNetwork(String kind, String ifname, MacAddress mac, int mtu, int fd) {
        this.kind = kind;
        this.ifname = ifname;
        this.mac = mac;
        this.mtu = mtu;
        this.fd = fd;
    }

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /**
     * Writes the {@code len} bytes at the start of {@code tx} to the descriptor with the
     * subclass's call; returns its result (negative on error, errno in {@code errno}).
     */
    abstract long transmit(MemorySegment tx, int len, MemorySegment errno) throws Throwable;

    /** Bytes a subclass writes before each frame (a virtio-net header); zero by default. */
    int txHeader() {
        return 0;
    }

    /**
     * Writes the {@link #txHeader()} bytes before the frame of {@code len} bytes that starts at
     * {@code tx[txHeader()]}, and may adjust the frame for the header's promises.
     */
    void fillTxHeader(MemorySegment tx, int len) {
    }

    @Override
    public final void send(ByteBuffer frame) throws IOException {
        int len = frame.remaining();
        txLock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            int prefix = txHeader();
            if (prefix + len > BUFFER) {
                throw new IOException(kind + ": frame of " + len + " bytes is too large");
            }
            MemorySegment.copy(MemorySegment.ofBuffer(frame), 0, txBuffer, prefix, len);
            fillTxHeader(txBuffer, len);
            long n;
            do {
                n = transmit(txBuffer, prefix + len, txErrno);
            } while (n < 0 && Libc.errno(txErrno) == Libc.EINTR);
            if (n < 0) {
                throw new IOException(kind + ": write to " + ifname + " failed: " + Libc.strerror(Libc.errno(txErrno)));
            }
            frame.position(frame.limit());
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(kind + ": native write failed: " + t, t);
        } finally {
            txLock.unlock();
        }
    }

    /**
     * Waits at most {@code millis} for the descriptor to become readable; call with
     * {@link #rxLock} held.
     *
     * @return true if readable, false on timeout or a signal
     */
    final boolean awaitReadable(int millis) throws Throwable {
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int ready = (int) Libc.POLL.invokeExact(rxErrno, pollFd, 1L, millis);
        if (ready < 0 && Libc.errno(rxErrno) != Libc.EINTR) {
            throw new IOException(kind + ": poll on " + ifname + " failed: " + Libc.strerror(Libc.errno(rxErrno)));
        }
        return ready > 0;
    }

    /** Closes the descriptor once calls in progress in either direction have returned. Idempotent. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Wait for a receive or send in progress so the descriptor and buffers are not freed under it.
        rxLock.lock();
        txLock.lock();
        try {
            int ignored = (int) Libc.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // Nothing else to release.
        } finally {
            txLock.unlock();
            rxLock.unlock();
            arena.close();
        }
    }
}
