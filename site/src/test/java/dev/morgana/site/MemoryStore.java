package dev.morgana.site;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.KvRo;
import dev.morgana.types.kv.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/** A {@link KvRo} over a map of files, with gzip variants kept only where smaller. */
final class MemoryStore implements KvRo {

    static final Instant MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

    private final Map<String, byte[]> files = new TreeMap<>();
    private final Map<String, byte[]> gzipped = new TreeMap<>();

    MemoryStore put(String key, byte[] content) {
        files.put(key, content);
        byte[] gz = gzip(content);
        if (gz.length < content.length) {
            gzipped.put(key, gz);
        } else {
            gzipped.remove(key);
        }
        return this;
    }

    MemoryStore put(String key, String content) {
        return put(key, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    byte[] gzipOf(String key) {
        return gzipped.get(key);
    }

    static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(content);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<KvNode> find(String key) {
        byte[] content = files.get(key);
        if (content != null) {
            byte[] gz = gzipped.get(key);
            return Optional.of(new KvNode.File(key, content.length, MediaTypes.forName(key), ETags.of(content),
                    MODIFIED, gz == null ? -1 : gz.length));
        }
        String prefix = key.isEmpty() ? "" : key + "/";
        for (String k : files.keySet()) {
            if (k.startsWith(prefix)) {
                return Optional.of(new KvNode.Directory(key));
            }
        }
        return Optional.empty();
    }

    @Override
    public ByteBuffer read(KvNode.File file, Encoding variant, long offset, int length) {
        byte[] content = variant == Encoding.GZIP ? gzipped.get(file.key()) : files.get(file.key());
        if (content == null || offset < 0 || offset > content.length) {
            throw new IllegalArgumentException("no such variant or offset: " + file.key());
        }
        int n = (int) Math.min(length, content.length - offset);
        return ByteBuffer.wrap(content, (int) offset, n).slice().asReadOnlyBuffer();
    }

    @Override
    public List<String> keys() {
        return new ArrayList<>(files.keySet());
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void close() {}
}
