package dev.morgana.tcpip.netif;

import dev.morgana.tcpip.wire.Checksum;
import java.nio.ByteBuffer;

/**
 * Fills in the TCP or UDP checksum of a frame the local kernel sent with checksum offload (the
 * field then holds only the pseudo-header sum), so the stack can verify checksums as usual.
 * Frames it does not understand are left as they are; the stack then judges them.
 */
final class OffloadedChecksums {

    private OffloadedChecksums() {}

    /** Completes the checksum of the frame in {@code frame[from, to)}, an untagged Ethernet frame. */
    static void complete(ByteBuffer frame, int from, int to) {
        int ip = from + 14;
        if (to - from < 14 + 20 || (frame.getShort(from + 12) & 0xffff) != 0x0800 || (frame.get(ip) & 0xf0) != 0x40) {
            return;
        }
        int headerLength = (frame.get(ip) & 0x0f) * 4;
        int total = frame.getShort(ip + 2) & 0xffff;
        int flagsOffset = frame.getShort(ip + 6) & 0xffff;
        if (headerLength < 20 || total < headerLength || ip + total > to || (flagsOffset & 0x3fff) != 0) {
            return;
        }
        int protocol = frame.get(ip + 9) & 0xff;
        int field = switch (protocol) {
            case 6 -> 16;
            case 17 -> 6;
            default -> -1;
        };
        int segment = ip + headerLength;
        int length = total - headerLength;
        if (field < 0 || length < field + 2) {
            return;
        }
        frame.putShort(segment + field, (short) 0);
        long acc = Checksum.pseudoHeader(frame.getInt(ip + 12), frame.getInt(ip + 16), protocol, length);
        int sum = Checksum.finish(Checksum.add(acc, frame, segment, segment + length));
        frame.putShort(segment + field, (short) (sum == 0 && protocol == 17 ? 0xffff : sum));
    }
}
