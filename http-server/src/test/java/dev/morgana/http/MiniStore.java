package dev.morgana.http;

import dev.morgana.types.kv.ETags;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.KvRo;
import dev.morgana.types.kv.MediaTypes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A tiny identity-only {@link KvRo} over a map, for end-to-end tests with the static site. */
final class MiniStore implements KvRo {

    static final Instant MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

    private final Map<String, byte[]> files = new TreeMap<>();
    private final Map<String, KvNode.File> nodes = new java.util.concurrent.ConcurrentHashMap<>();

    MiniStore put(String key, String content) {
        return put(key, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a file; its metadata is computed here, once, like a real store's build step. */
    MiniStore put(String key, byte[] content) {
        files.put(key, content);
        nodes.put(key, new KvNode.File(key, content.length, MediaTypes.forName(key), ETags.of(content), MODIFIED, -1));
        return this;
    }

    String etag(String key) {
        return ETags.of(files.get(key));
    }

    @Override
    public Optional<KvNode> find(String key) {
        KvNode.File file = nodes.get(key);
        if (file != null) {
            return Optional.of(file);
        }
        String prefix = key.isEmpty() ? "" : key + "/";
        return files.keySet().stream().anyMatch(k -> k.startsWith(prefix))
                ? Optional.of(new KvNode.Directory(key)) : Optional.empty();
    }

    @Override
    public ByteBuffer read(KvNode.File file, Encoding variant, long offset, int length) {
        byte[] content = files.get(file.key());
        if (variant != Encoding.IDENTITY || content == null || offset < 0 || offset > content.length) {
            throw new IllegalArgumentException("no such variant or offset");
        }
        return ByteBuffer.wrap(content, (int) offset, (int) Math.min(length, content.length - offset))
                .slice().asReadOnlyBuffer();
    }

    @Override
    public List<String> keys() {
        return new ArrayList<>(files.keySet());
    }

    @Override
    public String name() {
        return "mini";
    }

    @Override
    public void close() {}
}
