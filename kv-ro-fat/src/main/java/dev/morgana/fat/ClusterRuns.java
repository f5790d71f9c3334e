package dev.morgana.fat;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Where a cluster chain lies, as runs of consecutive clusters: one run for a contiguous file.
 * Built once at mount, so reads never walk the FAT again.
 */
final class ClusterRuns {

    private final long[] starts;
    private final int[] lengths;
    private final int count;
    private final long clusters;

    private ClusterRuns(long[] starts, int[] lengths, int count, long clusters) {
        this.starts = starts;
        this.lengths = lengths;
        this.count = count;
        this.clusters = clusters;
    }

    static final ClusterRuns EMPTY = new ClusterRuns(new long[0], new int[0], 0, 0);

    int count() {
        return count;
    }

    long start(int run) {
        return starts[run];
    }

    int length(int run) {
        return lengths[run];
    }

    long clusters() {
        return clusters;
    }

    /**
     * Walks the chain from {@code first}: exactly {@code wanted} clusters when {@code wanted >= 0}
     * (a file), or up to the end-of-chain mark but at most {@code limit} clusters (a directory).
     * Every cluster is claimed in {@code claimed}; a cluster claimed before means a loop or a
     * cross-link, and is an error.
     */
    static ClusterRuns walk(FatVolume volume, long first, long wanted, long limit, BitSet claimed, String what)
            throws FatFormatException {
        FatGeometry g = volume.geometry();
        if (!g.isDataCluster(first)) {
            throw new FatFormatException(what + ": first cluster " + first + " outside 2.." + (g.clusterCount() + 1));
        }
        long max = wanted >= 0 ? wanted : limit;
        long[] starts = new long[4];
        int[] lengths = new int[4];
        int count = 0;
        long walked = 0;
        long cluster = first;
        while (true) {
            if (claimed.get((int) cluster)) {
                throw new FatFormatException(what + ": cluster " + cluster
                        + " is reached twice (a loop in the FAT, a directory loop or a cross-link)");
            }
            claimed.set((int) cluster);
            walked++;
            if (count > 0 && starts[count - 1] + lengths[count - 1] == cluster && lengths[count - 1] < Integer.MAX_VALUE) {
                lengths[count - 1]++;
            } else {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                    lengths = Arrays.copyOf(lengths, count * 2);
                }
                starts[count] = cluster;
                lengths[count] = 1;
                count++;
            }
            if (walked == wanted) {
                break;
            }
            long next = nextOrFail(volume, cluster, what);
            if (next == FatVolume.END_OF_CHAIN) {
                if (wanted >= 0) {
                    throw new FatFormatException(what + ": cluster chain ends after " + walked
                            + " clusters, but its size needs " + wanted);
                }
                break;
            }
            if (walked >= max) {
                throw new FatFormatException(what + ": cluster chain longer than " + max + " clusters");
            }
            cluster = next;
        }
        return new ClusterRuns(starts, lengths, count, walked);
    }

    private static long nextOrFail(FatVolume volume, long cluster, String what) throws FatFormatException {
        try {
            return volume.next(cluster);
        } catch (FatFormatException e) {
            throw new FatFormatException(what + ": " + e.getMessage());
        }
    }
}
