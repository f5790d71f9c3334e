package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.arp.Arp;
import dev.morgana.tcpip.arp.ArpConfig;
import dev.morgana.tcpip.dhcp.DhcpClient;
import dev.morgana.tcpip.dhcp.DhcpEvent;
import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.icmp.Icmp;
import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.tcpip.ipv4.ReassemblyConfig;
import dev.morgana.tcpip.tcp.Tcp;
import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.udp.Udp;
import dev.morgana.tcpip.wire.ArpPacket;
import dev.morgana.tcpip.wire.DhcpMessage;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import dev.morgana.types.Random;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole stack without I/O: Ethernet, ARP, IPv4, ICMP, UDP and optionally a DHCP client,
 * assembled. Frames and times go in ({@link #input}, {@link #poll}); frames to send come out of
 * {@link #nextFrame}; {@link #nextDeadline} says when to poll next. The same engine runs under a
 * thread on a real device ({@link DirectStackV4}) or in a single-threaded {@link Simulation}.
 *
 * <p>TCP ({@link #tcp}) is registered with IPv4 as the transport for protocol 6.
 * Not thread-safe: one owner drives it.
 */
public final class StackEngine {

    /** Bounds the frames queued for sending between two drains; beyond it frames are dropped. */
    private static final int MAX_OUTBOX = 4096;
    static final int DHCP_CLIENT_PORT = 68;
    static final int DHCP_SERVER_PORT = 67;

    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private final Ethif ethif;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Icmp icmp;
    private final Udp udp;
    private final Tcp tcp;
    private final DhcpClient dhcp;
    private final Optional<Ipv4Config> staticConfig;
    private Consumer<String> log = line -> {};
    private long outboxDropped;
    /** The time of the input or poll being handled, for the DHCP client called back from UDP. */
    private long lastNow;
    private Ipv4Address probedAddress = Ipv4Address.ANY;

    /**
     * @param config the static configuration, or empty to lease one by DHCP
     * @param random entropy for DHCP transaction ids and back-off
     */
    public StackEngine(MacAddress mac, int mtu, Optional<Ipv4Config> config, Random random) {
        this(mac, mtu, config, random, TcpConfig.DEFAULT);
    }

    /**
     * @param config the static configuration, or empty to lease one by DHCP
     * @param random entropy for DHCP transaction ids, back-off, ephemeral ports and the ISN key
     * @param tcpConfig the TCP engine's buffers, timers and bounds
     */
    public StackEngine(MacAddress mac, int mtu, Optional<Ipv4Config> config, Random random, TcpConfig tcpConfig) {
        this.ethif = new Ethif(mac, mtu, this::queue);
        this.arp = new Arp(ethif, ArpConfig.DEFAULT);
        this.ipv4 = new Ipv4(ethif, arp, ReassemblyConfig.DEFAULT);
        this.icmp = new Icmp(ipv4);
        this.udp = new Udp(ipv4, icmp);
        this.tcp = new Tcp(ipv4, tcpConfig, random);
        this.staticConfig = config;
        this.dhcp = config.isPresent() ? null : new DhcpClient(mac, random);
        if (dhcp != null) {
            udp.listen(DHCP_CLIENT_PORT, (src, sport, dport, payload) -> dhcpInput(payload));
            arp.observe(this::checkProbedAddress);
        }
    }

    private void queue(byte[] frame) {
        if (outbox.size() >= MAX_OUTBOX) {
            outboxDropped++;
            return;
        }
        outbox.addLast(frame);
    }

    /**
     * Tells the stack its link cuts TCP segments of up to {@code maxPacket} bytes (IP header
     * included) into MTU-sized ones itself (TCP segmentation offload), so TCP may hand it larger
     * segments; 0 turns it off.
     */
    public void linkSegmentsTcp(int maxPacket) {
        ipv4.largeTcpPackets(maxPacket);
        tcp.maxSendSegment(maxPacket == 0 ? 0 : maxPacket - Ipv4Packet.MIN_HEADER - 60);
    }

    /** Receives lines about address changes (lease bound, lost). */
    public void onLog(Consumer<String> log) {
        this.log = log;
    }

    /** Configures the static address (with gratuitous ARP) or sends the first DHCP DISCOVER. */
    public void start(long now) {
        if (staticConfig.isPresent()) {
            ipv4.configure(staticConfig.get(), now);
        } else {
            apply(dhcp.start(now), now);
        }
    }

    private void dhcpInput(ByteBuffer payload) {
        DhcpMessage m;
        try {
            m = DhcpMessage.parse(payload);
        } catch (MalformedPacketException e) {
            dhcp.countMalformed();
            return;
        }
        apply(dhcp.input(m, lastNow), lastNow);
    }

    /** Someone else answering for, or probing, the address DHCP offered us means it is taken. */
    private void checkProbedAddress(ArpPacket p) {
        if (dhcp.state() != DhcpClient.State.PROBING) {
            return;
        }
        Ipv4Address probed = probedAddress;
        boolean answers = p.senderIp().equals(probed);
        boolean probesToo = p.senderIp().equals(Ipv4Address.ANY) && p.targetIp().equals(probed);
        if (answers || probesToo) {
            log.accept("dhcp: " + probed + " is in use by " + p.senderMac() + ", declining it");
            apply(dhcp.addressInUse(probed, lastNow), lastNow);
        }
    }

    private void apply(List<DhcpEvent> events, long now) {
        for (DhcpEvent e : events) {
            switch (e) {
                case DhcpEvent.Probe p -> {
                    probedAddress = p.address();
                    arp.probe(p.address());
                }
                case DhcpEvent.Send s -> udp.send(DHCP_CLIENT_PORT, s.destination(), DHCP_SERVER_PORT, ByteBuffer.wrap(s.message().toBytes()), now);
                case DhcpEvent.Bound b -> {
                    if (!b.lease().address().equals(ipv4.config().address())) {
                        log.accept("dhcp: bound " + b.lease().address() + " netmask " + b.lease().netmask()
                                + b.lease().router().map(r -> " router " + r).orElse("") + " for " + b.lease().leaseTime().toSeconds() + " s");
                    }
                    ipv4.configure(b.lease().toConfig(), now);
                }
                case DhcpEvent.Unbound u -> {
                    log.accept("dhcp: " + u.reason());
                    ipv4.configure(Ipv4Config.UNCONFIGURED, now);
                }
            }
        }
    }

    /** Handles one received frame (its bytes between position and limit). Never throws for bad input. */
    public void input(ByteBuffer frame, long now) {
        lastNow = now;
        ethif.input(frame, now);
    }

    /** Runs every timer due at {@code now}. */
    public void poll(long now) {
        lastNow = now;
        arp.poll(now);
        ipv4.poll(now);
        if (dhcp != null) {
            apply(dhcp.poll(now), now);
        }
    }

    /** When {@link #poll} next has work; {@link Long#MAX_VALUE} if never. */
    public long nextDeadline() {
        long next = Math.min(arp.nextDeadline(), ipv4.nextDeadline());
        return dhcp == null ? next : Math.min(next, dhcp.nextDeadline());
    }

    /** The next frame to send, or null when none is queued. */
    public byte[] nextFrame() {
        return outbox.pollFirst();
    }

    public Ethif ethif() {
        return ethif;
    }

    public Arp arp() {
        return arp;
    }

    public Ipv4 ipv4() {
        return ipv4;
    }

    public Icmp icmp() {
        return icmp;
    }

    public Udp udp() {
        return udp;
    }

    public Tcp tcp() {
        return tcp;
    }

    /** The DHCP client, when the stack leases its address. */
    public Optional<DhcpClient> dhcp() {
        return Optional.ofNullable(dhcp);
    }

    /** The engine's counters plus the runtime's ({@code sendErrors}, {@code internalErrors}). */
    public StackStats stats(long sendErrors, long internalErrors) {
        return new StackStats(ethif.stats(), arp.stats(), ipv4.stats(), icmp.stats(), udp.stats(), tcp.stats(),
                dhcp().map(DhcpClient::stats), sendErrors + outboxDropped, internalErrors);
    }

    /** The engine's counters, for runtimes that count no errors of their own. */
    public StackStats stats() {
        return stats(0, 0);
    }
}
