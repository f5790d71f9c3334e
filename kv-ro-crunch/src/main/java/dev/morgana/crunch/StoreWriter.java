package dev.morgana.crunch;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Writes one store in the {@link CrunchFormat}, entry by entry in store order. The index is kept
 * in memory (tens of bytes per entry) and the data spooled to a temporary file next to the
 * target, so memory does not grow with the site. {@link #finish} moves the store into place
 * atomically; {@link #close} removes whatever temporary file is left.
 */
final class StoreWriter implements Closeable {

    private final Path directory;
    private final Path data;
    private final OutputStream dataOut;
    private final ByteArrayOutputStream indexBytes = new ByteArrayOutputStream();
    private final DataOutputStream index = new DataOutputStream(indexBytes);
    private int entries;
    private long dataLength;
    private Path store;

    /** Starts a store whose temporary files go in {@code directory}, the target's directory. */
    StoreWriter(Path directory) throws IOException {
        this.directory = directory;
        this.data = Files.createTempFile(directory, ".crunch-data-", ".tmp");
        this.dataOut = new BufferedOutputStream(Files.newOutputStream(data), 1 << 16);
    }

    void directory(byte[] key) throws IOException {
        index.writeByte(CrunchFormat.KIND_DIRECTORY);
        writeKey(key);
        entries++;
    }

    void file(byte[] key, byte[] content, Optional<byte[]> gzip, long modifiedSecond, String contentType, String etag)
            throws IOException {
        index.writeByte(CrunchFormat.KIND_FILE);
        writeKey(key);
        index.writeLong(content.length);
        index.writeLong(gzip.map(g -> (long) g.length).orElse(-1L));
        index.writeLong(modifiedSecond);
        writeAscii(contentType);
        writeAscii(etag);
        entries++;
        dataOut.write(content);
        dataLength += content.length;
        if (gzip.isPresent()) {
            dataOut.write(gzip.get());
            dataLength += gzip.get().length;
        }
    }

    /** Writes header, index and data to {@code target}, replacing it atomically; returns its size. */
    long finish(Path target) throws IOException {
        dataOut.close();
        byte[] indexArray = indexBytes.toByteArray();
        store = Files.createTempFile(directory, ".crunch-store-", ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(store), 1 << 16)) {
            out.write(header(indexArray));
            out.write(indexArray);
            Files.copy(data, out);
        }
        readableByAll(store);
        Files.move(store, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(target);
    }

    @Override
    public void close() throws IOException {
        dataOut.close();
        Files.deleteIfExists(data);
        if (store != null) {
            Files.deleteIfExists(store);
        }
    }

    private byte[] header(byte[] indexArray) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(indexArray);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(CrunchFormat.HEADER_LENGTH);
        DataOutputStream header = new DataOutputStream(bytes);
        header.write(CrunchFormat.MAGIC);
        header.writeInt(CrunchFormat.VERSION);
        header.writeInt(entries);
        header.writeLong(indexArray.length);
        header.writeLong(dataLength);
        header.writeInt((int) crc.getValue());
        header.writeInt(0);
        return bytes.toByteArray();
    }

    private void writeKey(byte[] key) throws IOException {
        index.writeShort(key.length); // at most MAX_KEY_BYTES: checked when scanned
        index.write(key);
    }

    private void writeAscii(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        index.writeByte(bytes.length); // content types and ETags are short and come from our own tables
        index.write(bytes);
    }

    /** Temporary files are private; the store is not secret and gets the usual rw-r--r--. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }
}
