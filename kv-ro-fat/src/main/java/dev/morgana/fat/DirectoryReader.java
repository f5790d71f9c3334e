package dev.morgana.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reads the entries of one directory: the FAT12/16 fixed root area or a cluster chain. Long
 * names are assembled from their entries and accepted only if their sequence numbers and
 * checksum match the short entry that follows; otherwise the short name is used.
 */
final class DirectoryReader {

    /** FAT's limit of entries per directory (the spec's 65,536 32-byte slots, 2 MiB). */
    static final int MAX_SLOTS = 65536;

    private DirectoryReader() {}

    /** The entries of the fixed FAT12/16 root directory. */
    static List<DirEntry> readFixedRoot(FatVolume volume) throws IOException {
        FatGeometry g = volume.geometry();
        long offset = g.rootDirOffset();
        ByteBuffer data = volume.read(offset, g.rootDirEntries() * 32);
        return parse(List.of(new Chunk(offset, data)));
    }

    /** The entries of the directory whose chain starts at {@code first}, claiming its clusters. */
    static List<DirEntry> readChain(FatVolume volume, long first, BitSet claimed, String what) throws IOException {
        FatGeometry g = volume.geometry();
        long maxClusters = ((long) MAX_SLOTS * 32 + g.clusterBytes() - 1) / g.clusterBytes();
        ClusterRuns runs = ClusterRuns.walk(volume, first, -1, maxClusters, claimed, what);
        List<Chunk> chunks = new ArrayList<>(runs.count());
        for (int i = 0; i < runs.count(); i++) {
            long offset = g.clusterOffset(runs.start(i));
            chunks.add(new Chunk(offset, volume.read(offset, runs.length(i) * g.clusterBytes())));
        }
        return parse(chunks);
    }

    /** A run of directory bytes and its byte offset on the volume. */
    record Chunk(long offset, ByteBuffer data) {}

    static List<DirEntry> parse(List<Chunk> chunks) {
        List<DirEntry> entries = new ArrayList<>();
        char[] longName = new char[20 * 13];
        int expected = 0;
        int longChecksum = -1;
        int longUnits = 0;
        for (Chunk chunk : chunks) {
            ByteBuffer d = chunk.data();
            for (int p = d.position(); p + 32 <= d.limit(); p += 32) {
                int first = d.get(p) & 0xFF;
                if (first == 0x00) {
                    return entries;
                }
                if (first == 0xE5) {
                    expected = 0;
                    continue;
                }
                int attributes = d.get(p + 11) & 0xFF;
                if ((attributes & 0x3F) == DirEntry.ATTR_LONG_NAME) {
                    int ord = first & 0x1F;
                    int checksum = d.get(p + 13) & 0xFF;
                    if ((first & 0x40) != 0 && ord >= 1 && ord <= 20) {
                        expected = ord;
                        longChecksum = checksum;
                        longUnits = ord * 13;
                    } else if (expected == 0 || ord != expected - 1 || checksum != longChecksum) {
                        expected = 0;
                        continue;
                    } else {
                        expected = ord;
                    }
                    copyUnits(d, p, longName, (ord - 1) * 13);
                    continue;
                }
                String name = null;
                if (expected == 1 && DirEntry.checksum(d, p) == longChecksum) {
                    name = decode(longName, longUnits);
                }
                expected = 0;
                entries.add(DirEntry.parse(d.duplicate().position(p), chunk.offset() + (p - d.position()), name));
            }
        }
        return entries;
    }

    private static final int[] UNIT_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    private static void copyUnits(ByteBuffer d, int p, char[] into, int at) {
        for (int i = 0; i < 13; i++) {
            int o = p + UNIT_OFFSETS[i];
            into[at + i] = (char) ((d.get(o) & 0xFF) | (d.get(o + 1) & 0xFF) << 8);
        }
    }

    private static String decode(char[] units, int max) {
        int n = 0;
        while (n < max && units[n] != 0) {
            n++;
        }
        return n == 0 ? null : new String(units, 0, n);
    }
}
