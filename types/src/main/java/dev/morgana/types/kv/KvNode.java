package dev.morgana.types.kv;

import java.time.Instant;
import java.util.Objects;

/** What a key names in a {@link KvRo}: a file with its metadata, or a directory. */
public sealed interface KvNode {

    /** The node's key ("" for the root). */
    String key();

    /**
     * A file. Metadata is computed at build time, identically by every store, so that the same
     * site gives the same responses whatever the store.
     *
     * @param key the file's key
     * @param length length in bytes of the identity (unencoded) content
     * @param contentType media type with charset where textual ("text/html; charset=utf-8")
     * @param etag strong entity tag, quoted ("\"3q2+7w...\""), derived from the content hash
     * @param lastModified modification time, whole seconds, from the build's fixed epoch
     * @param gzipLength length of the gzip variant, or -1 if none is stored (not smaller)
     */
    record File(String key, long length, String contentType, String etag, Instant lastModified, long gzipLength)
            implements KvNode {
        public File {
            Objects.requireNonNull(key);
            Objects.requireNonNull(contentType);
            Objects.requireNonNull(etag);
            Objects.requireNonNull(lastModified);
            if (length < 0) {
                throw new IllegalArgumentException("negative length for " + key);
            }
        }

        /** True if a gzip variant is stored. */
        public boolean hasGzip() {
            return gzipLength >= 0;
        }

        /** The length of {@code variant}. */
        public long length(Encoding variant) {
            return switch (variant) {
                case IDENTITY -> length;
                case GZIP -> {
                    if (!hasGzip()) {
                        throw new IllegalArgumentException("no gzip variant of " + key);
                    }
                    yield gzipLength;
                }
            };
        }
    }

    /** A directory; the HTTP layer redirects "dir" to "dir/" and serves "dir/index.html". */
    record Directory(String key) implements KvNode {
        public Directory {
            Objects.requireNonNull(key);
        }
    }
}
