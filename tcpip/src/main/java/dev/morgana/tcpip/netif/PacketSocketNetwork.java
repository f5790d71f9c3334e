package dev.morgana.tcpip.netif;

import dev.morgana.types.MacAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network interface driven directly through an AF_PACKET socket (FFM): what the stack uses on a
 * VM's NIC, whose kernel IP stack is left unconfigured. The stack takes the interface's own MAC
 * address and MTU. Frames the host itself sends on the interface are not received back.
 *
 * <p>Frames that the local kernel sent with checksum offload (a veth peer, a virtio NIC with guest
 * checksum offload) carry unfinished TCP/UDP checksums; the kernel marks them
 * (TP_STATUS_CSUMNOTREADY) and this class fills the checksum in before the stack sees them.
 */
public final class PacketSocketNetwork extends FdNetwork {

    private static final int IFNAMSIZ = 16;
    private static final int SOCKADDR_LL = 20;
    /** Room for one cmsghdr (16 bytes) with a tpacket_auxdata (20 bytes), aligned. */
    private static final int CONTROL = 64;
    /** Bytes the kernel may queue for us (it counts each frame's whole buffer, not just its length). */
    static final int RECEIVE_BUFFER = 8 * 1024 * 1024;

    private final MemorySegment from = arena.allocate(SOCKADDR_LL);
    private final MemorySegment iovec = arena.allocate(16, 8);
    private final MemorySegment control = arena.allocate(CONTROL, 8);
    private final MemorySegment message = arena.allocate(56, 8);

    private PacketSocketNetwork(String ifname, MacAddress mac, int mtu, int fd) {
        super("AF_PACKET", ifname, mac, mtu, fd);
    }

    /** Binds a packet socket to interface {@code ifname} of this process's network namespace. */
    public static PacketSocketNetwork open(String ifname) throws IOException {
        return create(ifname);
    }

    /**
     * Binds a packet socket to interface {@code ifname} of the network namespace {@code netns}
     * (such as /var/run/netns/NAME). The socket is created on a short-lived thread that enters the
     * namespace, so no other thread of this process changes namespace.
     */
    public static PacketSocketNetwork open(String ifname, Path netns) throws IOException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netns-enter").start(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment err = Libc.errnoSegment(call);
                int nsFd = (int) Libc.OPEN.invokeExact(err, call.allocateFrom(netns.toString()), Libc.O_CLOEXEC);
                if (nsFd < 0) {
                    throw new IOException("AF_PACKET: cannot open network namespace " + netns + ": " + Libc.strerror(Libc.errno(err)));
                }
                int rc = (int) Libc.SETNS.invokeExact(err, nsFd, Libc.CLONE_NEWNET);
                int errno = Libc.errno(err);
                int ignored = (int) Libc.CLOSE.invokeExact(nsFd);
                if (rc < 0) {
                    throw new IOException("AF_PACKET: cannot enter network namespace " + netns + ": " + Libc.strerror(errno));
                }
                result.set(create(ifname));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("AF_PACKET: interrupted while opening " + ifname);
        }
        return switch (result.get()) {
            case PacketSocketNetwork n -> n;
            case IOException e -> throw e;
            case Throwable e -> throw new IOException("AF_PACKET: " + e, e);
            default -> throw new IOException("AF_PACKET: no result opening " + ifname);
        };
    }

    private static PacketSocketNetwork create(String ifname) throws IOException {
        if (ifname.isEmpty() || ifname.length() >= IFNAMSIZ || ifname.contains("/")) {
            throw new IOException("AF_PACKET: '" + ifname + "' is not a valid interface name (1 to 15 characters)");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment err = Libc.errnoSegment(call);
            MemorySegment name = call.allocateFrom(ifname);
            int index = (int) Libc.IF_NAMETOINDEX.invokeExact(err, name);
            if (index == 0) {
                throw new IOException("AF_PACKET: no network interface named " + ifname);
            }
            int fd = (int) Libc.SOCKET.invokeExact(err, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, (int) Libc.ETH_P_ALL_BE);
            if (fd < 0) {
                int errno = Libc.errno(err);
                throw new IOException(errno == Libc.EPERM || errno == Libc.EACCES
                        ? "AF_PACKET: no permission to open a packet socket (run as root or with CAP_NET_RAW)"
                        : "AF_PACKET: cannot open a packet socket: " + Libc.strerror(errno));
            }
            try {
                MemorySegment ifreq = call.allocate(40);
                byte[] bytes = ifname.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
                check((int) Libc.IOCTL.invokeExact(err, fd, Libc.SIOCGIFHWADDR, ifreq), err, "read the MAC address of " + ifname);
                long macBits = 0;
                for (int i = 0; i < 6; i++) {
                    macBits = macBits << 8 | (ifreq.get(ValueLayout.JAVA_BYTE, 18 + i) & 0xff);
                }
                check((int) Libc.IOCTL.invokeExact(err, fd, Libc.SIOCGIFMTU, ifreq), err, "read the MTU of " + ifname);
                int mtu = ifreq.get(ValueLayout.JAVA_INT, IFNAMSIZ);
                MemorySegment addr = call.allocate(SOCKADDR_LL);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                addr.set(ValueLayout.JAVA_SHORT, 2, Libc.ETH_P_ALL_BE);
                addr.set(ValueLayout.JAVA_INT, 4, index);
                check((int) Libc.BIND.invokeExact(err, fd, addr, SOCKADDR_LL), err, "bind to " + ifname);
                // Ask for each frame's status, to learn which checksums the kernel left to offload.
                MemorySegment one = call.allocateFrom(ValueLayout.JAVA_INT, 1);
                check((int) Libc.SETSOCKOPT.invokeExact(err, fd, Libc.SOL_PACKET, Libc.PACKET_AUXDATA, one, 4), err,
                        "enable PACKET_AUXDATA on " + ifname);
                // The kernel drops a frame when the socket's queue is full. The default (about 200 KB,
                // a few hundred frames) overflows whenever the event loop stalls for a moment (a GC,
                // a slow emulated CPU), and a lost handshake ACK or request then costs the peer's
                // retransmission timeout, or worse. Best effort: beyond rmem_max needs CAP_NET_ADMIN.
                MemorySegment size = call.allocateFrom(ValueLayout.JAVA_INT, RECEIVE_BUFFER);
                if ((int) Libc.SETSOCKOPT.invokeExact(err, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size, 4) < 0) {
                    int ignored = (int) Libc.SETSOCKOPT.invokeExact(err, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size, 4);
                }
                return new PacketSocketNetwork(ifname, new MacAddress(macBits), mtu, fd);
            } catch (IOException e) {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
                throw e;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("AF_PACKET: native call failed: " + t, t);
        }
    }

    private static void check(int rc, MemorySegment err, String what) throws IOException {
        if (rc < 0) {
            throw new IOException("AF_PACKET: cannot " + what + ": " + Libc.strerror(Libc.errno(err)));
        }
    }

    @Override
    public String name() {
        return "packet:" + ifname;
    }

    /**
     * Frames the kernel dropped because this socket's receive queue was full, since the last call
     * (PACKET_STATISTICS resets on read); 0 once closed.
     */
    public long receiveDrops() {
        rxLock.lock();
        try (Arena call = Arena.ofConfined()) {
            if (closed) {
                return 0;
            }
            MemorySegment stats = call.allocate(8, 4);
            MemorySegment length = call.allocateFrom(ValueLayout.JAVA_INT, 8);
            MemorySegment err = Libc.errnoSegment(call);
            int rc = (int) Libc.GETSOCKOPT.invokeExact(err, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, stats, length);
            return rc < 0 ? 0 : Integer.toUnsignedLong(stats.get(ValueLayout.JAVA_INT, 4));
        } catch (Throwable t) {
            return 0;
        } finally {
            rxLock.unlock();
        }
    }

    @Override
    long transmit(MemorySegment tx, int len, MemorySegment errno) throws Throwable {
        return (long) Libc.SEND.invokeExact(errno, fd, tx, (long) len, 0);
    }

    @Override
    public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
        long until = System.nanoTime() + Math.max(0, timeout.toNanos());
        rxLock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                long left = until - System.nanoTime();
                int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, (left + 999_999) / 1_000_000));
                if (!awaitReadable(millis)) {
                    return false;
                }
                prepareMessage();
                long n = (long) Libc.RECVMSG.invokeExact(rxErrno, fd, message, 0);
                if (n < 0) {
                    int errno = Libc.errno(rxErrno);
                    if (errno == Libc.EINTR || errno == Libc.EAGAIN) {
                        continue;
                    }
                    throw new IOException("AF_PACKET: receive on " + ifname + " failed: " + Libc.strerror(errno));
                }
                // Our own transmissions are looped back to packet sockets: skip them.
                if ((from.get(ValueLayout.JAVA_BYTE, 10) & 0xff) == Libc.PACKET_OUTGOING || n > dst.remaining()) {
                    if (until - System.nanoTime() <= 0) {
                        return false;
                    }
                    continue;
                }
                int len = (int) n;
                MemorySegment.copy(rxBuffer, 0, MemorySegment.ofBuffer(dst), 0, len);
                if (checksumNotReady()) {
                    OffloadedChecksums.complete(dst, dst.position(), dst.position() + len);
                }
                dst.position(dst.position() + len);
                return true;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("AF_PACKET: native receive failed: " + t, t);
        } finally {
            rxLock.unlock();
        }
    }

    /** Points the msghdr at the source address, the frame buffer and the control buffer. */
    private void prepareMessage() {
        iovec.set(ValueLayout.ADDRESS, 0, rxBuffer);
        iovec.set(ValueLayout.JAVA_LONG, 8, BUFFER);
        message.set(ValueLayout.ADDRESS, 0, from);
        message.set(ValueLayout.JAVA_INT, 8, SOCKADDR_LL);
        message.set(ValueLayout.ADDRESS, 16, iovec);
        message.set(ValueLayout.JAVA_LONG, 24, 1);
        message.set(ValueLayout.ADDRESS, 32, control);
        message.set(ValueLayout.JAVA_LONG, 40, CONTROL);
        message.set(ValueLayout.JAVA_INT, 48, 0);
    }

    /** True if the PACKET_AUXDATA control message says the frame's checksum was left to offload. */
    private boolean checksumNotReady() {
        long controlLength = message.get(ValueLayout.JAVA_LONG, 40);
        if (controlLength < 16 + 4) {
            return false;
        }
        long cmsgLength = control.get(ValueLayout.JAVA_LONG, 0);
        int level = control.get(ValueLayout.JAVA_INT, 8);
        int type = control.get(ValueLayout.JAVA_INT, 12);
        if (cmsgLength < 16 + 4 || level != Libc.SOL_PACKET || type != Libc.PACKET_AUXDATA) {
            return false;
        }
        return (control.get(ValueLayout.JAVA_INT, 16) & Libc.TP_STATUS_CSUMNOTREADY) != 0;
    }
}
