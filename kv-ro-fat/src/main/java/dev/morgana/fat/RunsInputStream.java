package dev.morgana.fat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** The first {@code length} bytes stored in some cluster runs, as a stream. */
final class RunsInputStream extends InputStream {

    private final FatVolume volume;
    private final ClusterRuns runs;
    private final int clusterBytes;
    private long left;
    private int run;
    private long runOffset;

    RunsInputStream(FatVolume volume, ClusterRuns runs, long length) {
        this.volume = volume;
        this.runs = runs;
        this.clusterBytes = volume.geometry().clusterBytes();
        this.left = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (left > 0 && run < runs.count()) {
            long runBytes = (long) runs.length(run) * clusterBytes;
            if (runOffset < runBytes) {
                int n = (int) Math.min(Math.min(len, left), runBytes - runOffset);
                volume.read(volume.geometry().clusterOffset(runs.start(run)) + runOffset, ByteBuffer.wrap(b, off, n));
                runOffset += n;
                left -= n;
                return n;
            }
            run++;
            runOffset = 0;
        }
        return -1;
    }
}
