package dev.morgana.fat;

import dev.morgana.types.Block;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.Keys;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.KvRo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A site served from a FAT12/16/32 file system on a {@link Block}.
 *
 * <p>{@link #mount} reads the whole directory tree once and hashes every file once, so lookups
 * are map reads and metadata equals what the crunch store gives for the same file: content type
 * by extension, ETag from the SHA-256 of the content, the entry's modification time (UTC, to the
 * second; see {@link FatImageBuilder}), and the gzip variant the builder stored under
 * {@code /.morgana-gzip/} (hidden from keys and lookups; checked against the content at mount). Reads resolve the byte range to the
 * clusters that hold it and read only those. A damaged or hostile image fails the mount with a
 * {@link FatFormatException} naming the problem; the work of a mount is bounded by the
 * device's size.
 *
 * <p>The block must not change while mounted. Thread-safe: the index is immutable.
 */
public final class FatKvRo implements KvRo {

    private final Block block;
    private final FatVolume volume;
    private final FatIndexer.Index index;
    private final List<String> keys;

    private FatKvRo(Block block, FatVolume volume, FatIndexer.Index index) {
        this.block = block;
        this.volume = volume;
        this.index = index;
        this.keys = index.files().keySet().stream().sorted().toList();
    }

    /**
     * Mounts the FAT file system on {@code block}. The block stays owned by the caller: closing
     * this store does not close it.
     *
     * @throws FatFormatException if the block holds no FAT file system or a damaged one
     * @throws IOException if the block cannot be read
     */
    public static FatKvRo mount(Block block) throws IOException {
        try {
            FatVolume volume = FatVolume.open(block);
            return new FatKvRo(block, volume, FatIndexer.index(volume));
        } catch (FatFormatException e) {
            throw new FatFormatException(block.name() + ": " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "fat:" + block.name();
    }

    @Override
    public Optional<KvNode> find(String key) {
        if (key == null || !Keys.isValid(key)) {
            return Optional.empty();
        }
        return Optional.ofNullable(index.nodes().get(key));
    }

    @Override
    public ByteBuffer read(KvNode.File file, Encoding variant, long offset, int length) throws IOException {
        Objects.requireNonNull(file);
        FatIndexer.Located located = index.files().get(file.key());
        if (located == null || !located.node().equals(file)) {
            throw new IllegalArgumentException("not a file of " + name() + ": " + file.key());
        }
        long size = file.length(variant); // throws IllegalArgumentException if there is no such variant
        ClusterRuns runs = variant == Encoding.GZIP ? located.gzip() : located.runs();
        if (offset < 0 || offset > size || length < 0) {
            throw new IllegalArgumentException("offset " + offset + " / length " + length + " out of range for "
                    + file.key() + " (" + variant + ") of " + size + " bytes");
        }
        int n = (int) Math.min(length, size - offset);
        ByteBuffer out = ByteBuffer.allocate(n);
        FatGeometry g = volume.geometry();
        int clusterBytes = g.clusterBytes();
        long runStart = 0;
        for (int i = 0; i < runs.count() && out.hasRemaining(); i++) {
            long runBytes = (long) runs.length(i) * clusterBytes;
            long position = offset + out.position();
            if (position < runStart + runBytes) {
                long within = position - runStart;
                int chunk = (int) Math.min(out.remaining(), runBytes - within);
                volume.read(g.clusterOffset(runs.start(i)) + within, out.slice(out.position(), chunk));
                out.position(out.position() + chunk);
            }
            runStart += runBytes;
        }
        if (out.hasRemaining()) {
            throw new IOException(name() + ": " + file.key() + " ends early");
        }
        return out.flip().asReadOnlyBuffer();
    }

    @Override
    public List<String> keys() {
        return keys;
    }

    @Override
    public void close() {
        // The block belongs to whoever opened it; there is nothing else to release.
    }
}
