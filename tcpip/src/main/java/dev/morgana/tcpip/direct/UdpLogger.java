package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.arp.Arp;
import dev.morgana.tcpip.arp.ArpConfig;
import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.icmp.Icmp;
import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.ipv4.ReassemblyConfig;
import dev.morgana.tcpip.udp.Udp;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Job;
import dev.morgana.types.Network;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The tutorial's "customising your stack" example: instead of taking a ready {@link
 * dev.morgana.types.StackV4}, it assembles Ethernet, ARP, IPv4, ICMP and UDP by hand over a
 * {@link Network}, logs every UDP datagram it receives (any port) on the console, and answers
 * ping. It runs its own small event loop until interrupted.
 */
public final class UdpLogger implements Job {

    private static final int PREVIEW = 64;

    private final Network network;
    private final Clock clock;
    private final Console console;
    private final Ipv4Config config;

    /**
     * @param config the static address (keys IP, NETMASK, GATEWAY; see {@link Ipv4Config#parse})
     */
    public UdpLogger(Network network, Clock clock, Console console, Ipv4Config config) {
        this.network = network;
        this.clock = clock;
        this.console = console;
        this.config = config;
    }

    @Override
    public void run() throws Exception {
        ArrayDeque<byte[]> outbox = new ArrayDeque<>();
        // The layers, each over the one below: Ethernet, then ARP and IPv4, then ICMP and UDP.
        Ethif ethif = new Ethif(network.mac(), network.mtu(), outbox::addLast);
        Arp arp = new Arp(ethif, ArpConfig.DEFAULT);
        Ipv4 ipv4 = new Ipv4(ethif, arp, ReassemblyConfig.DEFAULT);
        Icmp icmp = new Icmp(ipv4);
        Udp udp = new Udp(ipv4, icmp);
        udp.listenOthers((source, sourcePort, destinationPort, payload) -> console.log(
                "udp " + source + ":" + sourcePort + " -> port " + destinationPort + ", " + payload.remaining() + " bytes: " + preview(payload)));

        long origin = clock.monotonicNanos();
        ipv4.configure(config, 0);
        console.log("udp-logger: listening on " + config.address() + " (" + network.name() + "), logging every UDP datagram");
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(2048, network.mtu() + 64));
        while (!Thread.currentThread().isInterrupted()) {
            long now = clock.monotonicNanos() - origin;
            arp.poll(now);
            ipv4.poll(now);
            send(outbox);
            long wait = Math.clamp(Math.min(arp.nextDeadline(), ipv4.nextDeadline()) - now, 0, 100_000_000L);
            buffer.clear();
            if (network.receive(buffer, Duration.ofNanos(wait))) {
                buffer.flip();
                ethif.input(buffer, clock.monotonicNanos() - origin);
                send(outbox);
            }
        }
    }

    private void send(ArrayDeque<byte[]> outbox) throws java.io.IOException {
        for (byte[] f = outbox.pollFirst(); f != null; f = outbox.pollFirst()) {
            network.send(ByteBuffer.wrap(f));
        }
    }

    /** The payload as text if it is printable, else as hex; at most {@value #PREVIEW} bytes. */
    static String preview(ByteBuffer payload) {
        int n = Math.min(PREVIEW, payload.remaining());
        byte[] bytes = new byte[n];
        payload.get(payload.position(), bytes);
        boolean text = true;
        for (byte b : bytes) {
            text &= (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' || b == '\t';
        }
        String shown = text ? '"' + new String(bytes, StandardCharsets.US_ASCII).replace("\n", "\\n").replace("\r", "\\r") + '"'
                : java.util.HexFormat.of().formatHex(bytes);
        return shown + (payload.remaining() > n ? "..." : "");
    }
}
