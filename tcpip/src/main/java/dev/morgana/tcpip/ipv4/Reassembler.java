package dev.morgana.tcpip.ipv4;

import dev.morgana.tcpip.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.TreeMap;

/**
 * IPv4 fragment reassembly (RFC 791 3.2, RFC 815) within {@link ReassemblyConfig}'s bounds.
 * A fragment that overlaps another with different bounds drops the whole datagram (a classic
 * evasion trick, and RFC 5722's rule for IPv6); an exact duplicate is ignored.
 */
final class Reassembler {

    private record Key(int source, int destination, int protocol, int identification) {}

    private static final class Datagram {
        final long started;
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        byte[] firstHeader;
        int totalPayload = -1;
        int bytes;

        Datagram(long started) {
            this.started = started;
        }
    }

    /** A reassembled datagram: the first fragment's header (flags cleared) and the whole payload. */
    record Whole(byte[] header, byte[] payload) {}

    private final ReassemblyConfig config;
    private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();
    private int bytesHeld;
    long dropped;
    long timedOut;
    long overlaps;
    long reassembled;

    Reassembler(ReassemblyConfig config) {
        this.config = config;
    }

    /** Adds a fragment; returns the datagram if this completed it, else null. */
    Whole add(Ipv4Packet fragment, long now) {
        ByteBuffer data = fragment.payload();
        int offset = fragment.fragmentOffset();
        int length = data.remaining();
        if (fragment.moreFragments() && (length == 0 || length % 8 != 0)) {
            dropped++;
            return null;
        }
        Key key = new Key(fragment.source().bits(), fragment.destination().bits(), fragment.protocol(), fragment.identification());
        Datagram d = datagrams.get(key);
        if (d == null) {
            while (datagrams.size() >= config.maxDatagrams()) {
                dropOldest();
            }
            d = new Datagram(now);
            datagrams.put(key, d);
        }
        byte[] bytes = new byte[length];
        data.get(data.position(), bytes);
        byte[] same = d.fragments.get(offset);
        if (same != null && java.util.Arrays.equals(same, bytes)) {
            return null;
        }
        if (overlaps(d, offset, length) || (!fragment.moreFragments() && d.totalPayload >= 0 && d.totalPayload != offset + length)
                || (d.totalPayload >= 0 && offset + length > d.totalPayload)) {
            overlaps++;
            remove(key);
            return null;
        }
        if (d.fragments.size() >= config.maxFragments()) {
            dropped++;
            remove(key);
            return null;
        }
        if (!fragment.moreFragments()) {
            d.totalPayload = offset + length;
            if (lastEnd(d) > d.totalPayload) {
                overlaps++;
                remove(key);
                return null;
            }
        }
        if (offset == 0) {
            ByteBuffer p = fragment.packet();
            d.firstHeader = new byte[fragment.headerLength()];
            p.get(p.position(), d.firstHeader);
        }
        d.fragments.put(offset, bytes);
        d.bytes += length;
        bytesHeld += length;
        while (bytesHeld > config.maxBytes() && !datagrams.isEmpty()) {
            Key oldest = datagrams.keySet().iterator().next();
            dropped++;
            remove(oldest);
            if (oldest.equals(key)) {
                return null;
            }
        }
        if (d.totalPayload >= 0 && d.bytes == d.totalPayload && d.firstHeader != null) {
            remove(key);
            reassembled++;
            byte[] payload = new byte[d.totalPayload];
            d.fragments.forEach((at, part) -> System.arraycopy(part, 0, payload, at, part.length));
            return new Whole(d.firstHeader, payload);
        }
        return null;
    }

    private static int lastEnd(Datagram d) {
        var last = d.fragments.lastEntry();
        return last == null ? 0 : last.getKey() + last.getValue().length;
    }

    private static boolean overlaps(Datagram d, int offset, int length) {
        var before = d.fragments.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue().length > offset) {
            return true;
        }
        var after = d.fragments.ceilingEntry(offset);
        return after != null && after.getKey() < offset + Math.max(length, 1);
    }

    private void dropOldest() {
        dropped++;
        remove(datagrams.keySet().iterator().next());
    }

    private void remove(Key key) {
        Datagram d = datagrams.remove(key);
        if (d != null) {
            bytesHeld -= d.bytes;
        }
    }

    /** Gives up datagrams older than the timeout. */
    void poll(long now) {
        long timeout = config.timeout().toNanos();
        for (Iterator<Datagram> it = datagrams.values().iterator(); it.hasNext(); ) {
            Datagram d = it.next();
            if (now - d.started >= timeout) {
                bytesHeld -= d.bytes;
                timedOut++;
                it.remove();
            }
        }
    }

    long nextDeadline() {
        // Insertion order is start order, so the first datagram times out first.
        return datagrams.isEmpty() ? Long.MAX_VALUE : datagrams.values().iterator().next().started + config.timeout().toNanos();
    }

    int datagramsHeld() {
        return datagrams.size();
    }

    int bytesHeld() {
        return bytesHeld;
    }
}
