package dev.morgana.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * One file or directory in a FAT directory: its short entry (32 bytes at {@code offset} on the
 * volume) and the long name that preceded it, if any.
 */
record DirEntry(String name, long offset, int attributes, long firstCluster, long size,
        int createdTenths, int createdTime, int createdDate, int modifiedTime, int modifiedDate) {

    static final int ATTR_VOLUME_LABEL = 0x08;
    static final int ATTR_DIRECTORY = 0x10;
    static final int ATTR_LONG_NAME = 0x0F;

    boolean isDirectory() {
        return (attributes & ATTR_DIRECTORY) != 0;
    }

    boolean isVolumeLabel() {
        return (attributes & ATTR_VOLUME_LABEL) != 0;
    }

    /** The "." and ".." links every subdirectory starts with (directories, by definition). */
    boolean isDotEntry() {
        return isDirectory() && (name.equals(".") || name.equals(".."));
    }

    /**
     * The modification time. When the creation stamp falls in the same two-second slot, its
     * 10 ms field refines the time to the second: the builder stores odd-second epochs that way.
     */
    Instant lastModified() {
        Instant t = DosTime.unpack(modifiedDate, modifiedTime);
        if (createdDate == modifiedDate && createdTime == modifiedTime && createdTenths >= 100
                && createdTenths < 200) {
            return t.plusSeconds(1);
        }
        return t;
    }

    /** Parses the 32-byte short entry at {@code slot}'s position, with {@code longName} or null. */
    static DirEntry parse(ByteBuffer slot, long offset, String longName) {
        ByteBuffer b = slot.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        int attributes = b.get(p + 11) & 0xFF;
        long cluster = (b.getShort(p + 26) & 0xFFFFL) | (b.getShort(p + 20) & 0xFFFFL) << 16;
        return new DirEntry(longName != null ? longName : shortName(b, p), offset, attributes, cluster,
                b.getInt(p + 28) & 0xFFFFFFFFL, b.get(p + 13) & 0xFF, b.getShort(p + 14) & 0xFFFF,
                b.getShort(p + 16) & 0xFFFF, b.getShort(p + 22) & 0xFFFF, b.getShort(p + 24) & 0xFFFF);
    }

    /** The 8.3 name, lower-cased where the NT case bits say so; other bytes read as Latin-1. */
    static String shortName(ByteBuffer b, int p) {
        int caseBits = b.get(p + 12) & 0xFF;
        String base = field(b, p, 8, (caseBits & 0x08) != 0);
        String ext = field(b, p + 8, 3, (caseBits & 0x10) != 0);
        return ext.isEmpty() ? base : base + "." + ext;
    }

    private static String field(ByteBuffer b, int p, int n, boolean lower) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = b.get(p + i) & 0xFF;
            if (i == 0 && n == 8 && c == 0x05) { // 0x05 stands for a leading 0xE5, which marks deleted entries
                c = 0xE5;
            }
            s.append(lower && c >= 'A' && c <= 'Z' ? (char) (c + 32) : (char) c);
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    /** The checksum of an 11-byte short name that long-name entries carry. */
    static int checksum(ByteBuffer b, int p) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = ((sum & 1) << 7) + (sum >>> 1) + (b.get(p + i) & 0xFF) & 0xFF;
        }
        return sum;
    }
}
