package dev.morgana.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChecksumTest {

    /** The plain RFC 1071 definition, two bytes at a time, to check the fast one against. */
    private static int naive(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    @Test
    void matchesRfc1071Example() {
        byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
        // RFC 1071 section 3: the sum is 0xddf2, so the checksum is its complement.
        assertEquals(0xddf2, Checksum.fold(Checksum.add(0, data, 0, data.length)));
        assertEquals(0x220d, Checksum.of(data, 0, data.length));
    }

    @Test
    void fastSumEqualsNaiveSumForEveryOffsetAndLength() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] data = new byte[300];
        random.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; len < 290; len++) {
                assertEquals(naive(data, off, len), Checksum.of(data, off, len), "off " + off + " len " + len);
            }
        }
    }

    @Test
    void directBufferSumEqualsArraySum() {
        SplittableRandom random = new SplittableRandom(8);
        byte[] data = new byte[1501];
        random.nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        for (int len : new int[] {0, 1, 7, 8, 9, 64, 1500, 1501}) {
            assertEquals(Checksum.of(data, 0, len), Checksum.finish(Checksum.add(0, direct, 0, len)));
        }
    }

    @Test
    void incrementalUpdateEqualsRecomputation() {
        SplittableRandom random = new SplittableRandom(9);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] data = new byte[40];
            random.nextBytes(data);
            int sum = Checksum.of(data, 0, data.length);
            int at = random.nextInt(10) * 4;
            int oldValue = Bytes.get32(data, at);
            int newValue = random.nextInt();
            if (trial % 3 == 0) {
                newValue = 0;
            }
            Bytes.put32(data, at, newValue);
            int updated = Checksum.update32(sum, oldValue, newValue);
            int full = Checksum.of(data, 0, data.length);
            // One's complement has two zeros; RFC 1624 may give 0xffff where recomputation gives 0 and vice versa.
            assertEquals(full == 0xffff ? 0 : full, updated == 0xffff ? 0 : updated, "trial " + trial);
        }
    }

    @Test
    void pseudoHeaderCoversAddressesProtocolAndLength() {
        byte[] pseudo = HexFormat.of().parseHex("0a6300010a630002001100180000");
        long acc = Checksum.pseudoHeader(0x0a630001, 0x0a630002, 17, 0x18);
        assertEquals(Checksum.fold(Checksum.add(0, pseudo, 0, 12)), Checksum.fold(acc));
    }
}
