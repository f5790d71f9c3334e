package dev.morgana.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * Makes an image fat32-lib wrote reproducible and acceptable to fsck.fat: every directory entry
 * gets the build epoch as its created, accessed and modified stamps (fat32-lib takes the first
 * two from the wall clock), the boot sector gets a volume id derived from the content (fat32-lib
 * picks a random one) and a space-padded "NO NAME" label (fat32-lib pads with NULs).
 *
 * <p>Odd-second epochs, which FAT's two-second stamps cannot hold, are kept by setting the
 * creation stamp's 10 ms field to 100 (one second); {@link DirEntry#lastModified} reads it back.
 */
final class ImageNormalizer {

    private static final byte[] NO_NAME = "NO NAME    ".getBytes(StandardCharsets.US_ASCII);

    private ImageNormalizer() {}

    /** Rewrites {@code image} (the whole volume, from byte 0) in place. */
    static void normalize(ByteBuffer image, Instant epoch, int volumeId) throws IOException {
        ByteBuffer img = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        FatVolume volume = FatVolume.open(new MemoryBlock("image", img));
        FatGeometry g = volume.geometry();
        int packed = DosTime.pack(epoch);
        short date = (short) (packed >>> 16);
        short time = (short) packed;
        byte tenths = (byte) (epoch.getEpochSecond() % 2 == 0 ? 0 : 100);

        BitSet claimed = new BitSet((int) g.clusterCount() + 2);
        Deque<Long> pending = new ArrayDeque<>();
        List<DirEntry> entries = g.bitsPerEntry() == 32
                ? DirectoryReader.readChain(volume, g.rootCluster(), claimed, "root directory")
                : DirectoryReader.readFixedRoot(volume);
        while (true) {
            for (DirEntry e : entries) {
                int p = Math.toIntExact(e.offset());
                img.put(p + 13, tenths);
                img.putShort(p + 14, time);
                img.putShort(p + 16, date);
                img.putShort(p + 18, date);
                img.putShort(p + 22, time);
                img.putShort(p + 24, date);
                if (e.isDirectory() && !e.isDotEntry() && !e.isVolumeLabel()) {
                    pending.push(e.firstCluster());
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            long cluster = pending.pop();
            entries = DirectoryReader.readChain(volume, cluster, claimed, "directory at cluster " + cluster);
        }

        patchBootSector(img, 0, g, volumeId);
        if (g.bitsPerEntry() == 32) {
            int backup = img.getShort(0x32) & 0xFFFF;
            if (backup != 0 && backup != 0xFFFF) {
                patchBootSector(img, backup * g.bytesPerSector(), g, volumeId);
            }
        }
    }

    private static void patchBootSector(ByteBuffer img, int at, FatGeometry g, int volumeId) {
        int idOffset = g.bitsPerEntry() == 32 ? 0x43 : 0x27;
        img.putInt(at + idOffset, volumeId);
        img.put(at + idOffset + 4, NO_NAME);
    }
}
