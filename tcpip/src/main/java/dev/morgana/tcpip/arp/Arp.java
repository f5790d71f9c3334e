package dev.morgana.tcpip.arp;

import dev.morgana.tcpip.ethif.Ethif;
import dev.morgana.tcpip.wire.ArpPacket;
import dev.morgana.tcpip.wire.EthernetFrame;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.MacAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * ARP for IPv4 over Ethernet (RFC 826), sans-IO: a bounded cache with lifetimes, resolution with a
 * bounded number of requests and a bounded queue of packets per unresolved address, replies to
 * requests for our address, and gratuitous ARP when our address is set.
 *
 * <p>Times are monotonic nanoseconds given by the caller. Not thread-safe: one owner drives it.
 */
public final class Arp {

    private record Entry(MacAddress mac, long expires) {}

    private static final class Pending {
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        int requestsSent;
        long nextRequest;
    }

    private final Ethif ethif;
    private final ArpConfig config;
    // Access order: iteration starts at the least recently used entry, which is evicted first.
    private final LinkedHashMap<Ipv4Address, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<Ipv4Address, Pending> pending = new LinkedHashMap<>();
    private Ipv4Address address = Ipv4Address.ANY;
    private java.util.function.Consumer<ArpPacket> observer = p -> {};
    private long malformed;
    private long requestsSent;
    private long repliesSent;
    private long resolutionsFailed;
    private long pendingDropped;
    private long conflicts;

    public Arp(Ethif ethif, ArpConfig config) {
        this.ethif = ethif;
        this.config = config;
        ethif.onArp(this::input);
    }

    /** Our protocol address; {@link Ipv4Address#ANY} while unconfigured. */
    public Ipv4Address address() {
        return address;
    }

    /** Sets our address and announces it with a gratuitous ARP request (RFC 5227 2.3). */
    public void setAddress(Ipv4Address newAddress, long now) {
        boolean changed = !newAddress.equals(address);
        address = newAddress;
        if (changed && !newAddress.equals(Ipv4Address.ANY)) {
            send(MacAddress.BROADCAST, new ArpPacket(ArpPacket.REQUEST, ethif.mac(), newAddress,
                    new MacAddress(0), newAddress));
        }
    }

    /**
     * Sends an ARP probe for {@code target} (RFC 5227: sender address 0.0.0.0), to learn whether
     * another host uses it before we do. Answers reach the {@link #observe observer}.
     */
    public void probe(Ipv4Address target) {
        send(MacAddress.BROADCAST, new ArpPacket(ArpPacket.REQUEST, ethif.mac(), Ipv4Address.ANY, new MacAddress(0), target));
    }

    /** Shows every well-formed ARP packet received to {@code observer} (for address conflict checks). */
    public void observe(java.util.function.Consumer<ArpPacket> observer) {
        this.observer = observer;
    }

    /** The cached hardware address of {@code ip}, if known and fresh. */
    public Optional<MacAddress> lookup(Ipv4Address ip, long now) {
        Entry e = cache.get(ip);
        return e != null && now - e.expires < 0 ? Optional.of(e.mac) : Optional.empty();
    }

    /** Adds a static mapping (for tests and for peers known by configuration). */
    public void learn(Ipv4Address ip, MacAddress mac, long now) {
        put(ip, mac, now);
    }

    /**
     * Sends an IPv4 {@code frame} (header space reserved) to the next hop {@code ip}: at once if
     * its hardware address is cached, otherwise after resolution, queued within the bounds.
     */
    public void sendIpv4(Ipv4Address ip, byte[] frame, long now) {
        Optional<MacAddress> mac = lookup(ip, now);
        if (mac.isPresent()) {
            ethif.transmit(mac.get(), EthernetFrame.TYPE_IPV4, frame);
            return;
        }
        Pending p = pending.get(ip);
        if (p == null) {
            if (pending.size() >= config.maxPendingAddresses()) {
                pendingDropped++;
                return;
            }
            p = new Pending();
            pending.put(ip, p);
            request(ip, p, now);
        }
        if (p.frames.size() >= config.maxPendingPerAddress()) {
            p.frames.removeFirst();
            pendingDropped++;
        }
        p.frames.addLast(frame);
    }

    private void request(Ipv4Address ip, Pending p, long now) {
        p.requestsSent++;
        p.nextRequest = now + config.retryInterval().toNanos();
        requestsSent++;
        send(MacAddress.BROADCAST, new ArpPacket(ArpPacket.REQUEST, ethif.mac(), address, new MacAddress(0), ip));
    }

    private void send(MacAddress to, ArpPacket packet) {
        byte[] frame = new byte[EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH];
        packet.write(frame, EthernetFrame.HEADER_LENGTH);
        ethif.transmit(to, EthernetFrame.TYPE_ARP, frame);
    }

    /** Handles a received ARP frame. */
    public void input(EthernetFrame frame, long now) {
        ArpPacket p;
        try {
            p = ArpPacket.parse(frame.payload());
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        MacAddress sender = p.senderMac();
        if (sender.equals(MacAddress.BROADCAST) || (sender.bits() >>> 40 & 1) != 0 || sender.bits() == 0) {
            malformed++;
            return;
        }
        if (sender.equals(ethif.mac())) {
            return;
        }
        observer.accept(p);
        boolean forUs = !address.equals(Ipv4Address.ANY) && p.targetIp().equals(address);
        if (!address.equals(Ipv4Address.ANY) && p.senderIp().equals(address) && !sender.equals(ethif.mac())) {
            conflicts++;
            return;
        }
        // RFC 826's merge: refresh a known sender; learn a new one only if it talks to us.
        if (!p.senderIp().equals(Ipv4Address.ANY) && (forUs || cache.containsKey(p.senderIp()) || pending.containsKey(p.senderIp()))) {
            put(p.senderIp(), sender, now);
        }
        if (forUs && p.operation() == ArpPacket.REQUEST) {
            repliesSent++;
            send(sender, new ArpPacket(ArpPacket.REPLY, ethif.mac(), address, sender, p.senderIp()));
        }
    }

    private void put(Ipv4Address ip, MacAddress mac, long now) {
        cache.put(ip, new Entry(mac, now + config.entryLifetime().toNanos()));
        while (cache.size() > config.cacheSize()) {
            Iterator<Ipv4Address> eldest = cache.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Pending p = pending.remove(ip);
        if (p != null) {
            for (byte[] frame : p.frames) {
                ethif.transmit(mac, EthernetFrame.TYPE_IPV4, frame);
            }
        }
    }

    /** Retries requests, gives up on unresolvable addresses and forgets expired entries. */
    public void poll(long now) {
        for (Iterator<Map.Entry<Ipv4Address, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Ipv4Address, Pending> e = it.next();
            Pending p = e.getValue();
            if (now - p.nextRequest < 0) {
                continue;
            }
            if (p.requestsSent >= config.maxRequests()) {
                resolutionsFailed++;
                pendingDropped += p.frames.size();
                it.remove();
            } else {
                request(e.getKey(), p, now);
            }
        }
        cache.values().removeIf(e -> now - e.expires >= 0);
    }

    /** When {@link #poll} next has work to do; {@link Long#MAX_VALUE} if never. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Pending p : pending.values()) {
            next = Math.min(next, p.nextRequest);
        }
        for (Entry e : cache.values()) {
            next = Math.min(next, e.expires);
        }
        return next;
    }

    public int cacheSize() {
        return cache.size();
    }

    public ArpStats stats() {
        return new ArpStats(malformed, requestsSent, repliesSent, resolutionsFailed, pendingDropped, conflicts, cache.size());
    }

    /** Counters of the ARP layer. */
    public record ArpStats(long malformed, long requestsSent, long repliesSent, long resolutionsFailed,
            long pendingDropped, long conflicts, long cacheEntries) {}
}
