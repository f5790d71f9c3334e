package dev.morgana.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds images of sample sites and finds structures in them, for tests that mount or mutate them. */
final class Images {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private Images() {}

    /** The bytes of an image of {@code site} built in {@code tmp}. */
    static byte[] build(Path tmp, Map<String, byte[]> site, FatOptions.Type type) throws IOException {
        Path dir = Sites.write(Files.createTempDirectory(tmp, "site-"), site);
        Path image = tmp.resolve(dir.getFileName() + ".img");
        FatImageBuilder.build(dir, image, new FatOptions(type, 0, EPOCH), s -> {});
        return Files.readAllBytes(image);
    }

    static FatKvRo mount(byte[] image) throws IOException {
        return FatKvRo.mount(new MemoryBlock("test", ByteBuffer.wrap(image)));
    }

    static FatVolume volume(byte[] image) throws IOException {
        return FatVolume.open(new MemoryBlock("test", ByteBuffer.wrap(image)));
    }

    /** The short entry of {@code key}, found by walking the directories by name. */
    static DirEntry entry(byte[] image, String key) throws IOException {
        FatVolume v = volume(image);
        FatGeometry g = v.geometry();
        List<DirEntry> entries = g.bitsPerEntry() == 32
                ? DirectoryReader.readChain(v, g.rootCluster(), new java.util.BitSet(), "root")
                : DirectoryReader.readFixedRoot(v);
        String[] parts = key.split("/");
        for (int i = 0; ; i++) {
            String name = parts[i];
            DirEntry found = entries.stream().filter(e -> e.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " in image"));
            if (i == parts.length - 1) {
                return found;
            }
            entries = DirectoryReader.readChain(v, found.firstCluster(), new java.util.BitSet(), name);
        }
    }

    /** Byte offset of the first FAT's entry for {@code cluster} (FAT16 and FAT32). */
    static int fatEntryOffset(FatGeometry g, long cluster) {
        return (int) (g.fatOffset() + cluster * (g.bitsPerEntry() / 8));
    }

    static void putFatEntry(byte[] image, FatGeometry g, long cluster, long value) {
        ByteBuffer b = ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = fatEntryOffset(g, cluster);
        if (g.bitsPerEntry() == 32) {
            b.putInt(at, (int) value);
        } else {
            b.putShort(at, (short) value);
        }
    }

    static void putInt(byte[] image, long at, int value) {
        ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
    }

    static void putShort(byte[] image, long at, int value) {
        ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((int) at, (short) value);
    }

    /** Points the short entry at {@code offset} to {@code cluster}. */
    static void putFirstCluster(byte[] image, long offset, long cluster) {
        putShort(image, offset + 26, (int) (cluster & 0xFFFF));
        putShort(image, offset + 20, (int) (cluster >>> 16));
    }
}
