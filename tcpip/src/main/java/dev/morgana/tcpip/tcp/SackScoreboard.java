package dev.morgana.tcpip.tcp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The sender's record of what the peer selectively acknowledged (RFC 2018), and the RFC 6675
 * computations over it: {@code IsLost}, {@code SetPipe} and the holes {@code NextSeg} fills.
 * Sequence numbers are absolute byte offsets ({@code long}, never wrapping); ranges are
 * half-open {@code [start, end)}, disjoint and merged. The number of ranges is bounded, so a peer
 * that reports scattered blocks cannot grow it.
 */
final class SackScoreboard {

    /** RFC 6675 DupThresh. */
    static final int DUP_THRESH = 3;
    private static final int MAX_RANGES = 64;

    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /**
     * Records {@code [start, end)} as SACKed.
     *
     * @return whether it covered bytes not SACKed before
     */
    boolean add(long start, long end) {
        if (end <= start) {
            return false;
        }
        long covered = sackedIn(start, end);
        if (covered == end - start) {
            return false;
        }
        boolean merged = false;
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            merged = true;
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start); e != null && e.getKey() <= end; e = ranges.ceilingEntry(start)) {
            ranges.remove(e.getKey());
            end = Math.max(end, e.getValue());
            merged = true;
        }
        if (!merged && ranges.size() >= MAX_RANGES) {
            return false; // bounded: further scattered blocks are ignored, recovery still works by timeout
        }
        ranges.put(start, end);
        return true;
    }

    /** Forgets everything below the cumulative acknowledgment {@code una}. */
    void advance(long una) {
        for (Map.Entry<Long, Long> e = ranges.firstEntry(); e != null && e.getKey() < una; e = ranges.firstEntry()) {
            ranges.pollFirstEntry();
            if (e.getValue() > una) {
                ranges.put(una, e.getValue());
                break;
            }
        }
    }

    void clear() {
        ranges.clear();
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Number of disjoint SACKed ranges held. */
    int rangeCount() {
        return ranges.size();
    }

    boolean isSacked(long seq) {
        Map.Entry<Long, Long> e = ranges.floorEntry(seq);
        return e != null && e.getValue() > seq;
    }

    /** The end of the highest SACKed range, or -1 if nothing is SACKed. */
    long highestSacked() {
        return ranges.isEmpty() ? -1 : ranges.lastEntry().getValue();
    }

    /** SACKed bytes within {@code [from, to)}. */
    long sackedIn(long from, long to) {
        long n = 0;
        Map.Entry<Long, Long> first = ranges.floorEntry(from);
        for (Map.Entry<Long, Long> e = first != null ? first : ranges.ceilingEntry(from); e != null && e.getKey() < to;
                e = ranges.higherEntry(e.getKey())) {
            n += Math.max(0, Math.min(e.getValue(), to) - Math.max(e.getKey(), from));
        }
        return n;
    }

    /**
     * Below this sequence number every unSACKed byte counts as lost (RFC 6675 {@code IsLost}):
     * {@link #DUP_THRESH} discontiguous SACKed ranges lie above it, or more than
     * {@code (DupThresh - 1) * mss} SACKed bytes. Since IsLost only gets truer further down,
     * one boundary answers it for every byte. {@code Long.MIN_VALUE} when nothing is lost.
     */
    long lostBoundary(int mss) {
        int count = 0;
        long bytes = 0;
        for (Map.Entry<Long, Long> e = ranges.lastEntry(); e != null; e = ranges.lowerEntry(e.getKey())) {
            count++;
            bytes += e.getValue() - e.getKey();
            if (count >= DUP_THRESH || bytes > (long) (DUP_THRESH - 1) * mss) {
                return e.getKey();
            }
        }
        return Long.MIN_VALUE;
    }

    /** Whether the byte {@code seq} (not SACKed) is deemed lost. */
    boolean isLost(long seq, int mss) {
        return !isSacked(seq) && seq < lostBoundary(mss);
    }

    /**
     * RFC 6675 {@code SetPipe}: bytes presumed in the network between {@code una} and
     * {@code highData}: every unSACKed byte not deemed lost, plus every unSACKed byte already
     * retransmitted (below {@code highRxt}, exclusive).
     */
    long pipe(long una, long highData, long highRxt, int mss) {
        long lost = Math.clamp(lostBoundary(mss), una, Math.max(una, highData));
        long notLost = (highData - lost) - sackedIn(lost, highData);
        long rxtEnd = Math.clamp(highRxt, una, Math.max(una, highData));
        long retransmitted = (rxtEnd - una) - sackedIn(una, rxtEnd);
        return Math.max(0, notLost) + Math.max(0, retransmitted);
    }

    /** The first unSACKed byte in {@code [from, limit)}, or -1. */
    long firstUnsacked(long from, long limit) {
        long s = from;
        Map.Entry<Long, Long> e = ranges.floorEntry(s);
        // Bounded by the number of ranges: each turn skips one.
        while (e != null && e.getValue() > s) {
            s = e.getValue();
            e = ranges.floorEntry(s);
        }
        return s < limit ? s : -1;
    }

    /** Where the hole starting at the unSACKed byte {@code s} ends: the next SACKed range, or {@code limit}. */
    long holeEnd(long s, long limit) {
        Long next = ranges.higherKey(s);
        return next == null ? limit : Math.min(next, limit);
    }
}
