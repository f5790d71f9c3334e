package dev.morgana.fat;

import dev.morgana.types.Block;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A FAT file system on a {@link Block}: its geometry, its first FAT held in memory, and byte-range
 * reads. Every cluster number read from the FAT is checked before use, so a damaged image gives a
 * {@link FatFormatException}, never an out-of-range device read.
 */
final class FatVolume {

    /** Largest FAT this reader holds in memory; real images of a few GB stay far below. */
    static final long MAX_FAT_BYTES = 64L << 20;

    /** What {@link #next} returns for the end of a chain. */
    static final long END_OF_CHAIN = -1;

    private final Block block;
    private final FatGeometry geometry;
    private final ByteBuffer fat;

    private FatVolume(Block block, FatGeometry geometry, ByteBuffer fat) {
        this.block = block;
        this.geometry = geometry;
        this.fat = fat;
    }

    /** Reads and checks the boot sector and loads the first FAT. */
    static FatVolume open(Block block) throws IOException {
        int sector = block.sectorSize();
        if (sector <= 0 || sector > 65536 || block.sectors() < 1) {
            throw new FatFormatException("not a FAT file system: " + block.name() + " is empty");
        }
        long deviceBytes = block.sectors() * sector;
        ByteBuffer boot = readRange(block, 0, Math.max(512, sector), deviceBytes);
        FatGeometry geometry = FatGeometry.parse(boot, deviceBytes);
        long needed = (geometry.clusterCount() + 2) * geometry.bitsPerEntry() / 8 + 1;
        if (needed > MAX_FAT_BYTES) {
            throw new FatFormatException("FAT of " + needed + " bytes exceeds this reader's limit of "
                    + MAX_FAT_BYTES);
        }
        ByteBuffer fat = readRange(block, geometry.fatOffset(), (int) needed, deviceBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        return new FatVolume(block, geometry, fat);
    }

    FatGeometry geometry() {
        return geometry;
    }

    /**
     * The cluster after {@code cluster}, or {@link #END_OF_CHAIN}.
     *
     * @throws FatFormatException if the entry is free, bad, reserved or points outside the volume
     */
    long next(long cluster) throws FatFormatException {
        if (!geometry.isDataCluster(cluster)) {
            throw new FatFormatException("cluster " + cluster + " outside 2.." + (geometry.clusterCount() + 1));
        }
        long value = raw(cluster);
        long endMarker = switch (geometry.bitsPerEntry()) {
            case 12 -> 0xFF8;
            case 16 -> 0xFFF8;
            default -> 0x0FFFFFF8L;
        };
        if (value >= endMarker) {
            return END_OF_CHAIN;
        }
        if (value == 0) {
            throw new FatFormatException("cluster chain runs into free cluster after cluster " + cluster);
        }
        if (!geometry.isDataCluster(value)) {
            throw new FatFormatException("FAT entry of cluster " + cluster + " points to cluster " + value
                    + ", past the volume's " + (geometry.clusterCount() + 1));
        }
        return value;
    }

    /** The number of free clusters (FAT entry 0): how much a builder could have spared. */
    long freeClusters() {
        long free = 0;
        for (long c = 2; c <= geometry.clusterCount() + 1; c++) {
            if (raw(c) == 0) {
                free++;
            }
        }
        return free;
    }

    /** The FAT entry of a data cluster, unchecked. */
    private long raw(long cluster) {
        return switch (geometry.bitsPerEntry()) {
            case 12 -> {
                int pair = (int) (cluster + cluster / 2);
                int twoBytes = (fat.get(pair) & 0xFF) | (fat.get(pair + 1) & 0xFF) << 8;
                yield (cluster & 1) == 0 ? twoBytes & 0xFFF : twoBytes >>> 4;
            }
            case 16 -> fat.getShort((int) cluster * 2) & 0xFFFF;
            default -> fat.getInt((int) cluster * 4) & 0x0FFFFFFFL;
        };
    }

    /** Reads {@code length} bytes at byte {@code offset} of the volume into a fresh buffer. */
    ByteBuffer read(long offset, int length) throws IOException {
        return readRange(block, offset, length, geometry.totalBytes());
    }

    /** Reads bytes at {@code offset} into {@code dst}, whole device sectors under the hood. */
    void read(long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        checkRange(offset, length, geometry.totalBytes());
        int sector = block.sectorSize();
        long first = offset / sector;
        int skip = (int) (offset - first * sector);
        if (skip == 0 && length % sector == 0) {
            block.read(first, dst);
            return;
        }
        long span = ((long) skip + length + sector - 1) / sector * sector;
        ByteBuffer tmp = ByteBuffer.allocate(Math.toIntExact(span));
        block.read(first, tmp);
        dst.put(tmp.flip().position(skip).limit(skip + length));
    }

    private static ByteBuffer readRange(Block block, long offset, int length, long limit) throws IOException {
        checkRange(offset, length, limit);
        int sector = block.sectorSize();
        long first = offset / sector;
        int skip = (int) (offset - first * sector);
        long span = ((long) skip + length + sector - 1) / sector * sector;
        if (span > Integer.MAX_VALUE - 16) {
            throw new FatFormatException("read of " + length + " bytes too large");
        }
        ByteBuffer tmp = ByteBuffer.allocate((int) span);
        block.read(first, tmp);
        return tmp.flip().position(skip).limit(skip + length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkRange(long offset, int length, long limit) throws FatFormatException {
        if (offset < 0 || length < 0 || offset > limit || length > limit - offset) {
            throw new FatFormatException("read of " + length + " bytes at " + offset + " outside the volume of "
                    + limit + " bytes");
        }
    }
}
