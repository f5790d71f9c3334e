package dev.morgana.fat;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.MediaTypes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Walks a FAT volume once, at mount: every directory is read, every file's cluster chain is
 * resolved into {@link ClusterRuns} and its content hashed for the ETag. Each cluster may be
 * claimed by one chain only, so loops and cross-links are errors and the whole walk reads each
 * cluster at most once: its work is bounded by the volume's size.
 */
final class FatIndexer {

    /** Deepest directory nesting accepted. */
    static final int MAX_DEPTH = 64;
    /** Longest key accepted, in chars. */
    static final int MAX_KEY_LENGTH = 4096;
    /** Most files and directories accepted. */
    static final int MAX_NODES = 1_000_000;

    private static final int HASH_CHUNK = 1 << 20;

    /** A located file: its metadata and where its clusters are (gzip: null if no variant). */
    record Located(KvNode.File node, ClusterRuns runs, ClusterRuns gzip) {}

    /** The result: every node by key, files with their clusters. */
    record Index(Map<String, KvNode> nodes, Map<String, Located> files) {}

    private final FatVolume volume;
    private final BitSet claimed;
    private final Map<String, KvNode> nodes = new HashMap<>();
    private final Map<String, Located> files = new HashMap<>();

    private FatIndexer(FatVolume volume) {
        this.volume = volume;
        this.claimed = new BitSet((int) volume.geometry().clusterCount() + 2);
    }

    static Index index(FatVolume volume) throws IOException {
        FatIndexer indexer = new FatIndexer(volume);
        indexer.walk();
        indexer.attachGzipVariants();
        return new Index(Map.copyOf(indexer.nodes), Map.copyOf(indexer.files));
    }

    private record Pending(String key, long cluster, int depth) {}

    private void walk() throws IOException {
        FatGeometry g = volume.geometry();
        nodes.put("", new KvNode.Directory(""));
        Deque<Pending> pending = new ArrayDeque<>();
        List<DirEntry> root = g.bitsPerEntry() == 32
                ? DirectoryReader.readChain(volume, g.rootCluster(), claimed, "root directory")
                : DirectoryReader.readFixedRoot(volume);
        add("", root, 0, pending);
        while (!pending.isEmpty()) {
            Pending dir = pending.pop();
            List<DirEntry> entries = DirectoryReader.readChain(volume, dir.cluster(), claimed, "directory " + dir.key());
            add(dir.key(), entries, dir.depth(), pending);
        }
    }

    private void add(String dirKey, List<DirEntry> entries, int depth, Deque<Pending> pending) throws IOException {
        for (DirEntry e : entries) {
            if (e.isVolumeLabel() || e.isDotEntry()) {
                continue;
            }
            String key = dirKey.isEmpty() ? e.name() : dirKey + "/" + e.name();
            String where = "\"" + key + "\"";
            checkName(e.name(), dirKey);
            if (key.length() > MAX_KEY_LENGTH) {
                throw new FatFormatException("path longer than " + MAX_KEY_LENGTH + " chars under " + dirKey);
            }
            if (nodes.size() >= MAX_NODES) {
                throw new FatFormatException("more than " + MAX_NODES + " files and directories");
            }
            if (nodes.containsKey(key)) {
                throw new FatFormatException("two entries named " + where);
            }
            if (e.isDirectory()) {
                if (depth + 1 > MAX_DEPTH) {
                    throw new FatFormatException("directories nested deeper than " + MAX_DEPTH + " at " + where);
                }
                if (e.firstCluster() == 0) {
                    throw new FatFormatException("directory " + where + " has no clusters (a link back to the root?)");
                }
                nodes.put(key, new KvNode.Directory(key));
                pending.push(new Pending(key, e.firstCluster(), depth + 1));
            } else {
                addFile(key, e);
            }
        }
    }

    private void addFile(String key, DirEntry e) throws IOException {
        FatGeometry g = volume.geometry();
        String where = "file \"" + key + "\"";
        long wanted = (e.size() + g.clusterBytes() - 1) / g.clusterBytes();
        if (wanted > g.clusterCount()) {
            throw new FatFormatException(where + ": size " + e.size() + " bytes exceeds the volume's "
                    + g.clusterCount() * g.clusterBytes() + " bytes of data clusters");
        }
        ClusterRuns runs = wanted == 0 ? ClusterRuns.EMPTY
                : ClusterRuns.walk(volume, e.firstCluster(), wanted, wanted, claimed, where);
        String etag = ETags.fromSha256(hash(runs, e.size()));
        KvNode.File node = new KvNode.File(key, e.size(), MediaTypes.forName(key), etag, e.lastModified(), -1);
        nodes.put(key, node);
        files.put(key, new Located(node, runs, null));
    }

    /**
     * Moves the tree under {@link GzipVariant#DIRECTORY} out of the index and attaches each
     * variant to its file, if it decompresses to exactly that file's content; a stale or
     * broken variant (the image edited by hand, say) is dropped and the file served as is.
     */
    private void attachGzipVariants() throws IOException {
        String prefix = GzipVariant.DIRECTORY + "/";
        if (!(nodes.get(GzipVariant.DIRECTORY) instanceof KvNode.Directory)) {
            return;
        }
        nodes.keySet().removeIf(k -> k.equals(GzipVariant.DIRECTORY));
        List<String> variantKeys = files.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
        nodes.keySet().removeIf(k -> k.startsWith(prefix));
        for (String variantKey : variantKeys) {
            Located variant = files.remove(variantKey);
            if (!variantKey.endsWith(GzipVariant.SUFFIX)) {
                continue;
            }
            String key = variantKey.substring(prefix.length(), variantKey.length() - GzipVariant.SUFFIX.length());
            Located file = files.get(key);
            if (file == null || variant.node().length() >= file.node().length()
                    || !decompressesTo(variant, file.node())) {
                continue;
            }
            KvNode.File f = file.node();
            KvNode.File withGzip = new KvNode.File(f.key(), f.length(), f.contentType(), f.etag(), f.lastModified(),
                    variant.node().length());
            nodes.put(key, withGzip);
            files.put(key, new Located(withGzip, file.runs(), variant.runs()));
        }
    }

    /** True if the variant is a gzip stream of exactly the file's content (read at most once). */
    private boolean decompressesTo(Located variant, KvNode.File file) throws IOException {
        MessageDigest sha = ETags.sha256();
        long total = 0;
        try (InputStream in = new GZIPInputStream(new RunsInputStream(volume, variant.runs(), variant.node().length()))) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > file.length()) {
                    return false;
                }
                sha.update(buffer, 0, n);
            }
        } catch (ZipException | EOFException e) {
            return false;
        }
        return total == file.length() && ETags.fromSha256(sha.digest()).equals(file.etag());
    }

    private byte[] hash(ClusterRuns runs, long size) throws IOException {
        MessageDigest sha = ETags.sha256();
        FatGeometry g = volume.geometry();
        long left = size;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(HASH_CHUNK, Math.max(size, 1)));
        for (int i = 0; i < runs.count() && left > 0; i++) {
            long offset = g.clusterOffset(runs.start(i));
            long runLeft = Math.min(left, (long) runs.length(i) * g.clusterBytes());
            while (runLeft > 0) {
                int n = (int) Math.min(runLeft, buffer.capacity());
                buffer.clear().limit(n);
                volume.read(offset, buffer);
                sha.update(buffer.flip());
                offset += n;
                runLeft -= n;
                left -= n;
            }
        }
        return sha.digest();
    }

    private static void checkName(String name, String dirKey) throws FatFormatException {
        boolean bad = name.isEmpty() || name.equals(".") || name.equals("..");
        for (int i = 0; i < name.length() && !bad; i++) {
            char c = name.charAt(i);
            bad = c == '/' || c == '\\' || c < 0x20;
        }
        if (bad) {
            throw new FatFormatException("invalid file name \"" + name.replaceAll("\\p{Cntrl}", "?")
                    + "\" in directory \"" + dirKey + "\"");
        }
    }
}
