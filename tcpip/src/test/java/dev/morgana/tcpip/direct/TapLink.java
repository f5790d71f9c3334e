package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.netif.SeededRandom;
import dev.morgana.tcpip.netif.TapNetwork;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel and our stack on the two ends of one TAP device: the kernel's end is moved into
 * a namespace created for this link and given {@code <subnet>.1/24}, our {@link DirectStackV4}
 * runs on the device as {@code <subnet>.2} with the kernel as gateway. Creating it needs root
 * (see {@link Namespace#assumeUsable}). {@link #close} stops the stack, closes the device and
 * removes the namespace; a failed {@link #open} leaves nothing behind. Test-only.
 *
 * @param <N> what the stack runs on: the TAP device itself or a wrapper that watches or impairs it
 */
final class TapLink<N extends Network> implements AutoCloseable {

    /** Wraps the freshly opened device ({@code ifname}) before the stack gets it. */
    @FunctionalInterface
    interface Wrapper<N extends Network> {
        N wrap(TapNetwork device, String ifname) throws IOException;
    }

    /** The kernel's side of the link: its commands run here. */
    final Namespace ns;
    /** The TAP device's name. */
    final String ifname;
    final Ipv4Address kernelIp;
    final Ipv4Address stackIp;
    final N network;
    final DirectStackV4 stack;
    private boolean stopped;

    private TapLink(Namespace ns, String ifname, Ipv4Address kernelIp, Ipv4Address stackIp, N network, DirectStackV4 stack) {
        this.ns = ns;
        this.ifname = ifname;
        this.kernelIp = kernelIp;
        this.stackIp = stackIp;
        this.network = network;
        this.stack = stack;
    }

    /**
     * Creates the namespace and the device, opens the device with {@code mac} and {@code offloads},
     * wraps it, hands the kernel its end and starts the stack ({@code seed} seeds its randomness).
     *
     * @param subnet the first three octets, such as {@code "10.203.0"}
     */
    static <N extends Network> TapLink<N> open(String subnet, MacAddress mac, TapNetwork.Offloads offloads, Wrapper<N> wrapper,
            long seed, Console console) throws IOException {
        Ipv4Address kernel = Ipv4Address.parse(subnet + ".1");
        Ipv4Address ours = Ipv4Address.parse(subnet + ".2");
        Namespace ns = Namespace.create();
        String ifname = null;
        TapNetwork device = null;
        N network = null;
        try {
            ifname = Namespace.createTap();
            device = TapNetwork.open(ifname, mac, 1500, offloads);
            network = wrapper.wrap(device, ifname);
            ns.adopt(ifname, kernel + "/24");
            DirectStackV4 stack = DirectStackV4.start(network, new Ipv4Config(ours, Ipv4Address.parse("255.255.255.0"), Optional.of(kernel)),
                    Clock.system(), new SeededRandom(seed), console);
            return new TapLink<>(ns, ifname, kernel, ours, network, stack);
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.close();
            } else if (device != null) {
                device.close();
            }
            if (ifname != null) {
                Namespace.deleteTap(ifname); // still in the root namespace when adopting it failed
            }
            ns.close();
            throw e;
        }
    }

    /**
     * Connects our stack to {@code port} on the kernel's side. A kernel program started just before
     * may not listen yet: a refused connect is retried for about ten seconds.
     */
    Flow connectWhenListening(int port) throws IOException, InterruptedException {
        IOException last = null;
        for (int i = 0; i < 100; i++) {
            try {
                return stack.tcpv4().connect(kernelIp, port);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    /**
     * socat in the namespace listens on {@code port} and sends {@code body}; our stack connects and
     * reads to the end of the stream. Returns what it read.
     */
    byte[] downloadFromKernelListener(int port, byte[] body) throws IOException, InterruptedException {
        Path in = Files.createTempFile("morgana-socat", ".bin");
        Path log = Files.createTempFile("morgana-socat", ".log");
        try {
            Files.write(in, body);
            Process socat = ns.start(log, "socat", "-u", "OPEN:" + in, "TCP4-LISTEN:" + port + ",reuseaddr");
            try (Flow flow = connectWhenListening(port)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(65536);
                for (int n = flow.read(buf); n >= 0; n = flow.read(buf)) {
                    got.write(buf.array(), 0, n);
                    buf.clear();
                }
                return got.toByteArray();
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(log);
        }
    }

    /**
     * socat in the namespace listens on {@code port} and stores what it receives; our stack connects,
     * sends {@code body} and shuts its output down. Returns what socat stored.
     *
     * @throws AssertionError if the kernel does not close its side in answer or socat does not end within 30 s
     */
    byte[] uploadToKernelListener(int port, byte[] body) throws IOException, InterruptedException {
        Path out = Files.createTempFile("morgana-socat", ".bin");
        Path log = Files.createTempFile("morgana-socat", ".log");
        try {
            Process socat = ns.start(log, "socat", "-u", "TCP4-LISTEN:" + port + ",reuseaddr", "CREATE:" + out);
            try {
                try (Flow flow = connectWhenListening(port)) {
                    flow.write(ByteBuffer.wrap(body));
                    flow.shutdownOutput();
                    assertEquals(-1, flow.read(ByteBuffer.allocate(16)), "the kernel closes after our FIN");
                }
                assertTrue(socat.waitFor(30, TimeUnit.SECONDS), "socat finishes");
                return Files.readAllBytes(out);
            } finally {
                socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }

    /** Stops the stack and closes the device (and whatever wraps it), keeping the namespace; idempotent. */
    synchronized void stop() {
        if (!stopped) {
            stopped = true;
            try {
                stack.close();
            } finally {
                network.close();
            }
        }
    }

    /** {@link #stop}, then removes the namespace and the device's kernel end; never throws. */
    @Override
    public void close() {
        stop();
        ns.close();
    }
}
