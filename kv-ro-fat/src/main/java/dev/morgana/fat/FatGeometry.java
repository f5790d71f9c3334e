package dev.morgana.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of a FAT12/16/32 file system, parsed from its boot sector and checked against the
 * device it lives on, so that every offset derived from it lies inside the device.
 *
 * @param bitsPerEntry 12, 16 or 32
 * @param bytesPerSector the file system's sector size (512..4096)
 * @param sectorsPerCluster a power of two, 1..128
 * @param fatOffset byte offset of the first FAT
 * @param fatBytes byte length of one FAT
 * @param rootDirOffset byte offset of the FAT12/16 fixed root directory (0 on FAT32)
 * @param rootDirEntries entries in the fixed root directory (0 on FAT32)
 * @param rootCluster first cluster of the FAT32 root directory (0 on FAT12/16)
 * @param dataOffset byte offset of cluster 2
 * @param clusterCount number of data clusters (clusters 2..clusterCount+1 exist)
 * @param totalBytes byte length of the file system
 */
record FatGeometry(int bitsPerEntry, int bytesPerSector, int sectorsPerCluster, long fatOffset, long fatBytes,
        long rootDirOffset, int rootDirEntries, long rootCluster, long dataOffset, long clusterCount,
        long totalBytes) {

    /** Entries, and so clusters, FAT12 and FAT16 can address at most (see the FAT spec). */
    static final long MAX_FAT12_CLUSTERS = 4084;
    static final long MAX_FAT16_CLUSTERS = 65524;
    static final long MAX_FAT32_CLUSTERS = 0x0FFFFFF5L;

    int clusterBytes() {
        return bytesPerSector * sectorsPerCluster;
    }

    /** Byte offset of data cluster {@code cluster} (2..clusterCount+1). */
    long clusterOffset(long cluster) {
        return dataOffset + (cluster - 2) * clusterBytes();
    }

    boolean isDataCluster(long cluster) {
        return cluster >= 2 && cluster <= clusterCount + 1;
    }

    String typeName() {
        return "FAT" + bitsPerEntry;
    }

    /** Parses the first 512 bytes of a device of {@code deviceBytes} bytes. */
    static FatGeometry parse(ByteBuffer bootSector, long deviceBytes) throws FatFormatException {
        ByteBuffer b = bootSector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 512) {
            throw new FatFormatException("not a FAT file system: device smaller than one sector");
        }
        int jump = b.get(0) & 0xFF;
        if (jump != 0xEB && jump != 0xE9 || (b.getShort(510) & 0xFFFF) != 0xAA55) {
            throw new FatFormatException("not a FAT file system: no boot sector signature");
        }
        int bytesPerSector = b.getShort(0x0B) & 0xFFFF;
        if (bytesPerSector < 512 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1) {
            throw new FatFormatException("not a FAT file system: bytes per sector " + bytesPerSector);
        }
        int sectorsPerCluster = b.get(0x0D) & 0xFF;
        if (sectorsPerCluster == 0 || Integer.bitCount(sectorsPerCluster) != 1) {
            throw new FatFormatException("not a FAT file system: sectors per cluster " + sectorsPerCluster);
        }
        int reserved = b.getShort(0x0E) & 0xFFFF;
        int fats = b.get(0x10) & 0xFF;
        int rootEntries = b.getShort(0x11) & 0xFFFF;
        long totalSectors = b.getShort(0x13) & 0xFFFF;
        if (totalSectors == 0) {
            totalSectors = b.getInt(0x20) & 0xFFFFFFFFL;
        }
        long fatSectors = b.getShort(0x16) & 0xFFFF;
        boolean fat32Layout = fatSectors == 0;
        if (fat32Layout) {
            fatSectors = b.getInt(0x24) & 0xFFFFFFFFL;
        }
        if (reserved == 0 || fats == 0 || fats > 4 || fatSectors == 0 || totalSectors == 0) {
            throw new FatFormatException("not a FAT file system: reserved=" + reserved + " fats=" + fats
                    + " fatSectors=" + fatSectors + " totalSectors=" + totalSectors);
        }
        long rootDirSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        long metaSectors = reserved + fats * fatSectors + rootDirSectors;
        if (metaSectors >= totalSectors) {
            throw new FatFormatException("damaged FAT file system: metadata (" + metaSectors
                    + " sectors) does not leave room for data in " + totalSectors + " sectors");
        }
        long totalBytes = totalSectors * bytesPerSector;
        if (totalBytes > deviceBytes) {
            throw new FatFormatException("truncated FAT image: the boot sector declares " + totalBytes
                    + " bytes but the device holds only " + deviceBytes);
        }
        long clusterCount = (totalSectors - metaSectors) / sectorsPerCluster;
        int bits;
        if (clusterCount <= MAX_FAT12_CLUSTERS) {
            bits = 12;
        } else if (clusterCount <= MAX_FAT16_CLUSTERS) {
            bits = 16;
        } else if (clusterCount <= MAX_FAT32_CLUSTERS) {
            bits = 32;
        } else {
            throw new FatFormatException("damaged FAT file system: " + clusterCount + " clusters");
        }
        if ((bits == 32) != fat32Layout || (bits == 32) != (rootEntries == 0)) {
            throw new FatFormatException("damaged FAT file system: " + clusterCount
                    + " clusters make it FAT" + bits + " but the boot sector has the other layout");
        }
        long fatBytes = fatSectors * bytesPerSector;
        long neededFatBytes = (clusterCount + 2) * bits / 8 + 1;
        if (fatBytes < neededFatBytes) {
            throw new FatFormatException("damaged FAT file system: FAT of " + fatBytes
                    + " bytes is too small for " + clusterCount + " clusters");
        }
        long rootCluster = 0;
        if (bits == 32) {
            rootCluster = b.getInt(0x2C) & 0x0FFFFFFFL;
            if (rootCluster < 2 || rootCluster > clusterCount + 1) {
                throw new FatFormatException("damaged FAT32 file system: root cluster " + rootCluster
                        + " outside 2.." + (clusterCount + 1));
            }
        }
        long fatOffset = (long) reserved * bytesPerSector;
        long rootDirOffset = bits == 32 ? 0 : fatOffset + fats * fatBytes;
        long dataOffset = metaSectors * bytesPerSector;
        return new FatGeometry(bits, bytesPerSector, sectorsPerCluster, fatOffset, fatBytes, rootDirOffset,
                bits == 32 ? 0 : rootEntries, rootCluster, dataOffset, clusterCount, totalBytes);
    }
}
