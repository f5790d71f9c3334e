package dev.morgana.types.kv;

import dev.morgana.types.Device;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A read-only key-value store holding a site: the crunch store built into the appliance, or a
 * FAT image on a block device.
 *
 * <p>Keys are paths relative to the site root, '/'-separated, without a leading slash
 * ("index.html", "docs/keys.html"); the root directory is the empty key "". Keys are never
 * percent-encoded and never contain "." or ".." segments: a store rejects such keys by
 * returning empty. Thread-safe; lookups never block on I/O for long.
 */
public interface KvRo extends Device {

    /** Looks up a key: a file, a directory, or nothing. */
    Optional<KvNode> find(String key) throws IOException;

    /**
     * Reads up to {@code length} bytes of one variant of a file, starting at {@code offset}.
     * Fewer bytes are returned only at the variant's end. The returned buffer is read-only and
     * may share memory with the store.
     *
     * @throws IllegalArgumentException if the file has no such variant or the offset is out of range
     * @throws IOException if the underlying storage fails (a damaged image, say)
     */
    ByteBuffer read(KvNode.File file, Encoding variant, long offset, int length) throws IOException;

    /** Every file key, in sorted order (for tests, listings and load-test checksums). */
    List<String> keys() throws IOException;
}
