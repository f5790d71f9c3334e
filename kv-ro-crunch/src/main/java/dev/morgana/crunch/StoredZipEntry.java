package dev.morgana.crunch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds where the bytes of an uncompressed (STORED) entry lie inside a zip or jar file, so that
 * they can be read (or mapped) in place instead of streamed through the JDK's zip code. Only what
 * the zip format's central directory and local header say is used (PKWARE APPNOTE 4.3): the
 * end-of-central-directory record, the entry's central header, then its local header, whose
 * name and extra field lengths give the data offset.
 *
 * <p>Anything unexpected (not a zip, a compressed or encrypted entry, ZIP64 fields, headers that
 * disagree or point outside the file) gives an empty result, never an exception: callers then
 * read the entry the ordinary way, which reports real damage. Every read is bounded by the
 * file's size and by {@link #MAX_CENTRAL_DIRECTORY}.
 */
final class StoredZipEntry {

    /** Where an entry's bytes are: {@code length} bytes from {@code offset} in the file. */
    record Region(long offset, long length) {}

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_LENGTH = 22;
    private static final int CENTRAL_LENGTH = 46;
    private static final int LOCAL_LENGTH = 30;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int STORED = 0;
    private static final long ZIP64_MARK = 0xFFFFFFFFL;
    /** Larger central directories are not searched (a jar of ~100,000 entries). */
    static final int MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024;

    private StoredZipEntry() {}

    /**
     * @param zip an open zip file
     * @param name the entry's name as stored (UTF-8, '/' separated, no leading '/')
     * @return where the entry's bytes are, if it is there and stored uncompressed
     * @throws IOException only if reading the file fails
     */
    static Optional<Region> find(FileChannel zip, String name) throws IOException {
        long size = zip.size();
        ByteBuffer end = endRecord(zip, size);
        if (end == null) {
            return Optional.empty();
        }
        int entries = Short.toUnsignedInt(end.getShort(10));
        long directorySize = Integer.toUnsignedLong(end.getInt(12));
        long directoryOffset = Integer.toUnsignedLong(end.getInt(16));
        if (entries == 0xFFFF || directorySize == ZIP64_MARK || directoryOffset == ZIP64_MARK
                || directorySize > MAX_CENTRAL_DIRECTORY || directoryOffset + directorySize > size) {
            return Optional.empty();
        }
        ByteBuffer directory = read(zip, directoryOffset, (int) directorySize);
        if (directory == null) {
            return Optional.empty();
        }
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int at = 0;
        for (int i = 0; i < entries; i++) {
            if (at + CENTRAL_LENGTH > directory.limit() || directory.getInt(at) != CENTRAL_SIGNATURE) {
                return Optional.empty();
            }
            int nameLength = Short.toUnsignedInt(directory.getShort(at + 28));
            int next = at + CENTRAL_LENGTH + nameLength + Short.toUnsignedInt(directory.getShort(at + 30))
                    + Short.toUnsignedInt(directory.getShort(at + 32));
            if (next > directory.limit()) {
                return Optional.empty();
            }
            if (nameLength == wanted.length && Arrays.equals(wanted, 0, wanted.length,
                    directory.array(), at + CENTRAL_LENGTH, at + CENTRAL_LENGTH + nameLength)) {
                return local(zip, size, directory, at, wanted);
            }
            at = next;
        }
        return Optional.empty();
    }

    /** Checks the entry's central header, then its local header; gives the data's region. */
    private static Optional<Region> local(FileChannel zip, long size, ByteBuffer directory, int at, byte[] name)
            throws IOException {
        int flags = Short.toUnsignedInt(directory.getShort(at + 8));
        int method = Short.toUnsignedInt(directory.getShort(at + 10));
        long compressed = Integer.toUnsignedLong(directory.getInt(at + 20));
        long uncompressed = Integer.toUnsignedLong(directory.getInt(at + 24));
        long header = Integer.toUnsignedLong(directory.getInt(at + 42));
        if ((flags & 1) != 0 || method != STORED || compressed != uncompressed
                || compressed == ZIP64_MARK || header == ZIP64_MARK) {
            return Optional.empty();
        }
        ByteBuffer local = read(zip, header, LOCAL_LENGTH + name.length);
        if (local == null || local.getInt(0) != LOCAL_SIGNATURE
                || Short.toUnsignedInt(local.getShort(8)) != STORED
                || Short.toUnsignedInt(local.getShort(26)) != name.length
                || !Arrays.equals(name, 0, name.length, local.array(), LOCAL_LENGTH, LOCAL_LENGTH + name.length)) {
            return Optional.empty();
        }
        long data = header + LOCAL_LENGTH + name.length + Short.toUnsignedInt(local.getShort(28));
        if (data + compressed > size) {
            return Optional.empty();
        }
        return Optional.of(new Region(data, compressed));
    }

    /** The end-of-central-directory record, found from the end (it may be followed by a comment). */
    private static ByteBuffer endRecord(FileChannel zip, long size) throws IOException {
        if (size < END_LENGTH) {
            return null;
        }
        int tailLength = (int) Math.min(size, END_LENGTH + MAX_COMMENT);
        ByteBuffer tail = read(zip, size - tailLength, tailLength);
        if (tail == null) {
            return null;
        }
        for (int at = tailLength - END_LENGTH; at >= 0; at--) {
            if (tail.getInt(at) == END_SIGNATURE
                    && Short.toUnsignedInt(tail.getShort(at + 20)) == tailLength - at - END_LENGTH) {
                return tail.slice(at, END_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return null;
    }

    /** Reads exactly {@code length} bytes at {@code position}, or null if the file is shorter. */
    private static ByteBuffer read(FileChannel zip, long position, int length) throws IOException {
        if (position < 0 || position + length > zip.size()) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (zip.read(buffer, position + buffer.position()) < 0) {
                return null;
            }
        }
        return buffer.flip();
    }
}
