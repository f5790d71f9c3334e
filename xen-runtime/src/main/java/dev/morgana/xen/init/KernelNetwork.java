package dev.morgana.xen.init;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Configures the kernel's own IPv4 stack for NET=socket with the classic interface ioctls
 * (the ones ifconfig and route use): address, netmask, link up, default route.
 */
final class KernelNetwork {

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final long SIOCSIFADDR = 0x8916;
    private static final long SIOCSIFNETMASK = 0x891c;
    private static final long SIOCADDRT = 0x890b;
    private static final short IFF_UP = 0x1;
    private static final short RTF_UP = 0x1;
    private static final short RTF_GATEWAY = 0x2;
    /** struct ifreq: a 16-byte name, then a 24-byte union (sockaddr or flags). */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    /** struct rtentry on x86_64: dst at 8, gateway at 24, genmask at 40, flags at 56, 120 bytes. */
    private static final int RTENTRY_SIZE = 120;

    private KernelNetwork() {}

    /** Brings {@code device} up with {@code ip}/{@code netmask} and routes everything via {@code gateway}. */
    static void configure(String device, String ip, String netmask, String gateway) throws IOException {
        int fd = Linux.socket(AF_INET, SOCK_DGRAM);
        try (Arena arena = Arena.ofConfined()) {
            up(fd, arena, "lo");
            MemorySegment request = ifreq(arena, device);
            sockaddr(request.asSlice(IFNAMSIZ), ip);
            Linux.ioctl(fd, SIOCSIFADDR, request, "SIOCSIFADDR " + device + " " + ip);
            request = ifreq(arena, device);
            sockaddr(request.asSlice(IFNAMSIZ), netmask);
            Linux.ioctl(fd, SIOCSIFNETMASK, request, "SIOCSIFNETMASK " + device + " " + netmask);
            up(fd, arena, device);
            MemorySegment route = arena.allocate(RTENTRY_SIZE, 8);
            sockaddr(route.asSlice(8), "0.0.0.0");
            sockaddr(route.asSlice(24), gateway);
            sockaddr(route.asSlice(40), "0.0.0.0");
            route.set(ValueLayout.JAVA_SHORT, 56, (short) (RTF_UP | RTF_GATEWAY));
            Linux.ioctl(fd, SIOCADDRT, route, "SIOCADDRT default via " + gateway);
        } finally {
            Linux.close(fd);
        }
    }

    /**
     * NET=direct: brings {@code device} up (frames flow to packet sockets) but gives the kernel's
     * stack no address and turns its IPv6 off on it, so the kernel never answers on this link.
     */
    static void linkUpWithoutAddress(String device) throws IOException {
        Path ipv6 = Path.of("/proc/sys/net/ipv6/conf", device, "disable_ipv6");
        if (Files.exists(ipv6)) {
            Files.writeString(ipv6, "1\n");
        }
        int fd = Linux.socket(AF_INET, SOCK_DGRAM);
        try (Arena arena = Arena.ofConfined()) {
            up(fd, arena, device);
        } finally {
            Linux.close(fd);
        }
    }

    private static void up(int fd, Arena arena, String device) throws IOException {
        MemorySegment request = ifreq(arena, device);
        Linux.ioctl(fd, SIOCGIFFLAGS, request, "SIOCGIFFLAGS " + device);
        short flags = request.get(ValueLayout.JAVA_SHORT, IFNAMSIZ);
        request.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (flags | IFF_UP));
        Linux.ioctl(fd, SIOCSIFFLAGS, request, "SIOCSIFFLAGS " + device + " up");
    }

    private static MemorySegment ifreq(Arena arena, String device) {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name too long: " + device);
        }
        MemorySegment request = arena.allocate(IFREQ_SIZE, 8);
        MemorySegment.copy(name, 0, request, ValueLayout.JAVA_BYTE, 0, name.length);
        return request;
    }

    /** Writes a struct sockaddr_in (family, port 0, address in network order) at the slice's start. */
    private static void sockaddr(MemorySegment at, String dotted) {
        at.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < 4; i++) {
            at.set(ValueLayout.JAVA_BYTE, 4 + i, (byte) Integer.parseInt(parts[i]));
        }
    }

}
