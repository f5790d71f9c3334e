package dev.morgana.tcpip.netif;

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
 * {@code ioctl(TUNSETIFF, IFF_TAP | IFF_NO_PI)} to attach to an existing interface, {@code poll}
 * with the receive timeout, then {@code read} and {@code write} of whole frames.
 *
 * <p>The TAP interface is the host's end of a virtual cable; this stack is the other end and has a
 * MAC address of its own (random and locally administered unless given). Fails at open with a
 * message naming what is missing: the tun driver, the right to use it, or the interface.
 */
public final class TapNetwork extends FdNetwork {

    private static final Path TUN = Path.of("/dev/net/tun");
    private static final int IFNAMSIZ = 16;

    private TapNetwork(String ifname, MacAddress mac, int mtu, int fd) {
        super("TAP", ifname, mac, mtu, fd);
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
     * Attaches to the existing TAP interface {@code ifname}.
     *
     * @param mac this stack's address (not the host interface's)
     * @param mtu the largest IP packet to send, the interface's MTU
     * @throws IOException naming what is missing: /dev/net/tun, permission, or the interface
     */
    public static TapNetwork open(String ifname, MacAddress mac, int mtu) throws IOException {
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
            int fd = (int) Libc.OPEN.invokeExact(err, call.allocateFrom(TUN.toString()), Libc.O_RDWR | Libc.O_CLOEXEC);
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
            ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (Libc.IFF_TAP | Libc.IFF_NO_PI));
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
            return new TapNetwork(ifname, mac, mtu, fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TAP: native call failed: " + t, t);
        }
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
            if (!awaitReadable(millis)) {
                return false;
            }
            long n = (long) Libc.READ.invokeExact(rxErrno, fd, rxBuffer, (long) BUFFER);
            if (n < 0) {
                int errno = Libc.errno(rxErrno);
                if (errno == Libc.EINTR || errno == Libc.EAGAIN) {
                    return false;
                }
                throw new IOException("TAP: read from " + ifname + " failed: " + Libc.strerror(errno));
            }
            if (n > dst.remaining()) {
                return false;
            }
            int len = (int) n;
            MemorySegment.copy(rxBuffer, 0, MemorySegment.ofBuffer(dst), 0, len);
            dst.position(dst.position() + len);
            return true;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TAP: native read failed: " + t, t);
        } finally {
            rxLock.unlock();
        }
    }
}
