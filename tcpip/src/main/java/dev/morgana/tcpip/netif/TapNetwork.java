package dev.morgana.tcpip.netif;

import dev.morgana.tcpip.wire.Checksum;
import dev.morgana.types.MacAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A Linux TAP device as a {@link Network}, through FFM: {@code open("/dev/net/tun")},
 * {@code ioctl(TUNSETIFF, IFF_TAP | IFF_NO_PI)} to attach to an existing interface, then
 * {@code read} and {@code write} of whole frames; {@code poll} with the receive timeout only when
 * no frame is waiting (the descriptor is non-blocking), so a burst of frames costs one system call
 * each.
 *
 * <p>With {@link Offloads} ({@link Offloads#CHECKSUM_AND_TSO} unless asked otherwise), frames
 * carry a virtio-net header ({@code IFF_VNET_HDR}, {@code TUNSETVNETHDRSZ}) and
 * {@code TUNSETOFFLOAD} lets the kernel hand over frames whose TCP/UDP checksum it left unfinished
 * (this class completes it before the stack sees the frame) and, with TSO, TCP "super-frames" of
 * up to 64 KiB that it has not cut into MSS-sized segments. The other way, with TSO, TCP/IPv4
 * frames above the MTU that the stack sends (see {@link TcpSegmentationOffload}) go to the kernel
 * as one GSO packet for it to segment; other frames carry an empty header, complete as they are.
 *
 * <p>The TAP interface is the host's end of a virtual cable; this stack is the other end and has a
 * MAC address of its own (random and locally administered unless given). Fails at open with a
 * message naming what is missing: the tun driver, the right to use it, or the interface.
 */
public final class TapNetwork extends FdNetwork implements TcpSegmentationOffload {

    private static final Path TUN = Path.of("/dev/net/tun");
    private static final int IFNAMSIZ = 16;
    /** struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset. */
    private static final int VNET_HDR = 10;
    private static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    private static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    private static final ValueLayout.OfShort BIG_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BIG_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    /** The virtio-net header's fields are in the host's (little-endian) order. */
    private static final ValueLayout.OfShort LITTLE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long EMPTY = -2;

    /** What each side of the TAP may leave to the other: checksums, and TCP segmentation. */
    public enum Offloads {
        /** Plain frames, every checksum filled in by the kernel. */
        NONE,
        /** Frames may carry unfinished TCP/UDP checksums, completed here. */
        CHECKSUM,
        /** As CHECKSUM, and TCP segments of up to 64 KiB both ways (TSO), segmented by the kernel. */
        CHECKSUM_AND_TSO
    }

    private final Offloads offloads;
    private final int rxHeader;

    private TapNetwork(String ifname, MacAddress mac, int mtu, int fd, Offloads offloads) {
        super("TAP", ifname, mac, mtu, fd);
        this.offloads = offloads;
        this.rxHeader = offloads == Offloads.NONE ? 0 : VNET_HDR;
    }

    /** The offloads this device was opened with. */
    public Offloads offloads() {
        return offloads;
    }

    /**
     * Attaches to the existing TAP interface {@code ifname}, with a random locally administered MAC
     * and the interface's MTU.
     */
    public static TapNetwork open(String ifname) throws IOException {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfc) | 0x02);
        long bits = 0;
        for (byte x : b) {
            bits = bits << 8 | (x & 0xff);
        }
        return open(ifname, new MacAddress(bits), interfaceMtu(ifname));
    }

    /** The MTU the kernel reports for {@code ifname}, or 1500 if it cannot be read. */
    private static int interfaceMtu(String ifname) {
        try {
            int mtu = Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "mtu")).trim());
            return mtu >= 576 && mtu <= 65535 ? mtu : 1500;
        } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException e) {
            return 1500;
        }
    }

    /**
     * Attaches to the existing TAP interface {@code ifname} with checksum offload and TSO.
     *
     * @param mac this stack's address (not the host interface's)
     * @param mtu the largest IP packet to send, the interface's MTU
     * @throws IOException naming what is missing: /dev/net/tun, permission, or the interface
     */
    public static TapNetwork open(String ifname, MacAddress mac, int mtu) throws IOException {
        return open(ifname, mac, mtu, Offloads.CHECKSUM_AND_TSO);
    }

    /**
     * Attaches to the existing TAP interface {@code ifname} with the given offloads.
     *
     * @param mac this stack's address (not the host interface's)
     * @param mtu the largest IP packet to send, the interface's MTU
     * @throws IOException naming what is missing: /dev/net/tun, permission, or the interface
     */
    public static TapNetwork open(String ifname, MacAddress mac, int mtu, Offloads offloads) throws IOException {
        if (ifname.isEmpty() || ifname.length() >= IFNAMSIZ || ifname.contains("/")) {
            throw new IOException("TAP: '" + ifname + "' is not a valid interface name (1 to 15 characters)");
        }
        if (!Files.exists(TUN)) {
            throw new IOException("TAP: " + TUN + " does not exist: this system has no TUN/TAP driver (load module tun)");
        }
        if (!Files.exists(Path.of("/sys/class/net", ifname))) {
            throw new IOException("TAP: no network interface named " + ifname
                    + " (create it as root: ip tuntap add " + ifname + " mode tap && ip link set " + ifname + " up)");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment err = Libc.errnoSegment(call);
            int fd = (int) Libc.OPEN.invokeExact(err, call.allocateFrom(TUN.toString()), Libc.O_RDWR | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            if (fd < 0) {
                int errno = Libc.errno(err);
                if (errno == Libc.EACCES || errno == Libc.EPERM) {
                    throw new IOException("TAP: no permission to open " + TUN + " (run as root or with CAP_NET_ADMIN)");
                }
                throw new IOException("TAP: cannot open " + TUN + ": " + Libc.strerror(errno));
            }
            MemorySegment ifreq = call.allocate(40);
            byte[] name = ifname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, ifreq, ValueLayout.JAVA_BYTE, 0, name.length);
            short flags = (short) (Libc.IFF_TAP | Libc.IFF_NO_PI | (offloads == Offloads.NONE ? 0 : Libc.IFF_VNET_HDR));
            ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, flags);
            int rc = (int) Libc.IOCTL.invokeExact(err, fd, Libc.TUNSETIFF, ifreq);
            if (rc < 0) {
                int errno = Libc.errno(err);
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
                throw new IOException(switch (errno) {
                    case Libc.EPERM, Libc.EACCES -> "TAP: no permission to attach to " + ifname
                            + " (run as root, or create it for this user: ip tuntap add " + ifname + " mode tap user $USER)";
                    case Libc.EBUSY -> "TAP: " + ifname + " is already in use by another process";
                    case Libc.EINVAL -> "TAP: " + ifname + " is not a TAP device (a TUN device or another kind of interface)";
                    default -> "TAP: cannot attach to " + ifname + ": " + Libc.strerror(errno);
                });
            }
            if (offloads != Offloads.NONE) {
                configureOffloads(call, err, fd, ifname, offloads);
            }
            return new TapNetwork(ifname, mac, mtu, fd, offloads);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TAP: native call failed: " + t, t);
        }
    }

    private static void configureOffloads(Arena call, MemorySegment err, int fd, String ifname, Offloads offloads) throws Throwable {
        MemorySegment size = call.allocateFrom(ValueLayout.JAVA_INT, VNET_HDR);
        int rc = (int) Libc.IOCTL.invokeExact(err, fd, Libc.TUNSETVNETHDRSZ, size);
        int features = Libc.TUN_F_CSUM | (offloads == Offloads.CHECKSUM_AND_TSO ? Libc.TUN_F_TSO4 : 0);
        if (rc == 0) {
            // TUNSETOFFLOAD takes its argument by value, not through a pointer.
            rc = (int) Libc.IOCTL.invokeExact(err, fd, Libc.TUNSETOFFLOAD, MemorySegment.ofAddress(features));
        }
        if (rc < 0) {
            int errno = Libc.errno(err);
            int ignored = (int) Libc.CLOSE.invokeExact(fd);
            throw new IOException("TAP: cannot enable offloads " + offloads + " on " + ifname + ": " + Libc.strerror(errno));
        }
    }

    @Override
    int txHeader() {
        return rxHeader;
    }

    /**
     * An empty header (the frame is complete), except for a TCP/IPv4 frame above the MTU when TSO
     * is on: the kernel is asked to cut it into MTU-sized segments (GSO) and to fill in their
     * checksums, for which the TCP checksum field must hold the pseudo-header sum.
     */
    @Override
    void fillTxHeader(MemorySegment tx, int len) {
        if (rxHeader == 0) {
            return;
        }
        tx.asSlice(0, VNET_HDR).fill((byte) 0);
        int ip = VNET_HDR + 14;
        if (offloads != Offloads.CHECKSUM_AND_TSO || len <= 14 + mtu() || len < 14 + 40
                || tx.get(BIG_SHORT, VNET_HDR + 12) != 0x0800 || tx.get(ValueLayout.JAVA_BYTE, ip + 9) != 6) {
            return;
        }
        int ipHeader = (tx.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4;
        int tcpHeader = ((tx.get(ValueLayout.JAVA_BYTE, ip + ipHeader + 12) >> 4) & 0x0f) * 4;
        int tcpLength = (tx.get(BIG_SHORT, ip + 2) & 0xffff) - ipHeader;
        long pseudo = Checksum.pseudoHeader(tx.get(BIG_INT, ip + 12), tx.get(BIG_INT, ip + 16), 6, tcpLength);
        tx.set(BIG_SHORT, ip + ipHeader + 16, (short) Checksum.fold(pseudo));
        tx.set(ValueLayout.JAVA_BYTE, 0, (byte) VIRTIO_NET_HDR_F_NEEDS_CSUM);
        tx.set(ValueLayout.JAVA_BYTE, 1, (byte) VIRTIO_NET_HDR_GSO_TCPV4);
        tx.set(LITTLE_SHORT, 2, (short) (14 + ipHeader + tcpHeader));
        tx.set(LITTLE_SHORT, 4, (short) (mtu() - ipHeader - tcpHeader));
        tx.set(LITTLE_SHORT, 6, (short) (14 + ipHeader));
        tx.set(LITTLE_SHORT, 8, (short) 16);
    }

    /**
     * The largest TCP/IPv4 packet this device takes whole and segments itself: 65535 with TSO,
     * else 0. Give it to {@code StackEngine.linkSegmentsTcp}.
     */
    @Override
    public int maxTcpPacket() {
        return offloads == Offloads.CHECKSUM_AND_TSO ? 65535 : 0;
    }

    @Override
    public String name() {
        return "tap:" + ifname;
    }

    @Override
    long transmit(MemorySegment tx, int len, MemorySegment errno) throws Throwable {
        return (long) Libc.WRITE.invokeExact(errno, fd, tx, (long) len);
    }

    @Override
    public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
        long nanos = Math.max(0, timeout.toNanos());
        int millis = (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
        rxLock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            // Read first: when frames are queued (a burst), no poll is needed.
            long n = readFrame();
            if (n == EMPTY) {
                if (!awaitReadable(millis)) {
                    return false;
                }
                n = readFrame();
            }
            int len = (int) n - rxHeader;
            if (n == EMPTY || len < 14 || len > dst.remaining()) {
                return false;
            }
            int at = dst.position();
            MemorySegment.copy(rxBuffer, rxHeader, MemorySegment.ofBuffer(dst), 0, len);
            if (rxHeader > 0 && (rxBuffer.get(ValueLayout.JAVA_BYTE, 0) & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
                OffloadedChecksums.complete(dst, at, at + len);
            }
            dst.position(at + len);
            return true;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TAP: native read failed: " + t, t);
        } finally {
            rxLock.unlock();
        }
    }

    /** One non-blocking read into the receive buffer: its length, or EMPTY if nothing is waiting. */
    private long readFrame() throws Throwable {
        while (true) {
            long n = (long) Libc.READ.invokeExact(rxErrno, fd, rxBuffer, (long) BUFFER);
            if (n >= 0) {
                return n;
            }
            int errno = Libc.errno(rxErrno);
            if (errno == Libc.EAGAIN) {
                return EMPTY;
            }
            if (errno != Libc.EINTR) {
                throw new IOException("TAP: read from " + ifname + " failed: " + Libc.strerror(errno));
            }
        }
    }
}
