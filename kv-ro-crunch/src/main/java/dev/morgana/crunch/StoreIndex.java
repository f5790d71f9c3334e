package dev.morgana.crunch;

import dev.morgana.types.kv.KvNode;
import dev.morgana.types.kv.Keys;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The parsed and fully checked index of a store: every rule of {@link CrunchFormat} is
 * verified here, once, so that serving never meets a surprise.
 *
 * @param entries every entry by key
 * @param fileKeys the file keys in store order
 */
record StoreIndex(Map<String, Entry> entries, List<String> fileKeys) {

    /** An indexed node and, for a file, where its variants start in the store. */
    record Entry(KvNode node, long identityOffset, long gzipOffset) {}

    /** Parses and checks the whole store in {@code store}, named {@code name} in messages. */
    static StoreIndex parse(StoreBytes store, String name) throws CrunchException {
        Header header = Header.parse(store, name);
        if (header.indexLength() > Integer.MAX_VALUE - 8) {
            throw corrupt(name, "index of " + header.indexLength() + " bytes is too large");
        }
        ByteBuffer index = store.slice(CrunchFormat.HEADER_LENGTH, header.indexLength());
        CRC32C crc = new CRC32C();
        crc.update(index.duplicate());
        if ((int) crc.getValue() != header.indexCrc()) {
            throw corrupt(name, "index checksum mismatch");
        }
        try {
            return new Parser(name, index, header).parse();
        } catch (BufferUnderflowException e) {
            throw corrupt(name, "index ends in the middle of an entry");
        }
    }

    static CrunchException corrupt(String name, String problem) {
        return new CrunchException(name + ": not a valid crunch store: " + problem);
    }

    /** The fixed-size header, with its lengths checked against each other and the store's size. */
    record Header(int entryCount, long indexLength, long dataLength, int indexCrc) {

        static long totalLength(StoreBytes header, String name) throws CrunchException {
            Header h = parseFields(header, name);
            return CrunchFormat.HEADER_LENGTH + h.indexLength + h.dataLength;
        }

        static Header parse(StoreBytes store, String name) throws CrunchException {
            Header h = parseFields(store, name);
            long expected = CrunchFormat.HEADER_LENGTH + h.indexLength + h.dataLength;
            if (store.size() != expected) {
                throw corrupt(name, "the header announces " + expected + " bytes but the store has "
                        + store.size() + (store.size() < expected ? " (truncated)" : ""));
            }
            return h;
        }

        private static Header parseFields(StoreBytes store, String name) throws CrunchException {
            if (store.size() < CrunchFormat.HEADER_LENGTH) {
                throw corrupt(name, "shorter than its header (" + store.size() + " bytes)");
            }
            ByteBuffer b = store.slice(0, CrunchFormat.HEADER_LENGTH);
            byte[] magic = new byte[CrunchFormat.MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, CrunchFormat.MAGIC)) {
                throw corrupt(name, "wrong magic (not a crunch store)");
            }
            int version = b.getInt();
            if (version != CrunchFormat.VERSION) {
                throw corrupt(name, "format version " + Integer.toUnsignedString(version)
                        + ", this reader knows version " + CrunchFormat.VERSION);
            }
            int entryCount = b.getInt();
            long indexLength = b.getLong();
            long dataLength = b.getLong();
            int crc = b.getInt();
            int reserved = b.getInt();
            if (reserved != 0) {
                throw corrupt(name, "reserved header field is not zero");
            }
            if (entryCount < 1 || entryCount > CrunchFormat.MAX_ENTRIES) {
                throw corrupt(name, "entry count " + Integer.toUnsignedString(entryCount) + " out of range");
            }
            // Both lengths below 2^62, so their sum with the header cannot overflow.
            if (indexLength < 0 || indexLength > 1L << 62 || dataLength < 0 || dataLength > 1L << 62) {
                throw corrupt(name, "index or data length out of range");
            }
            return new Header(entryCount, indexLength, dataLength, crc);
        }
    }

    /** Walks the index entries once, checking each against the format's rules. */
    private static final class Parser {
        private final String name;
        private final ByteBuffer index;
        private final Header header;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final Map<String, Entry> entries = new HashMap<>();
        private final Set<String> directories = new HashSet<>();
        private final List<String> fileKeys = new ArrayList<>();
        private byte[] previousKey;
        private long dataOffset = CrunchFormat.HEADER_LENGTH;

        Parser(String name, ByteBuffer index, Header header) {
            this.name = name;
            this.index = index;
            this.header = header;
            this.dataOffset += header.indexLength();
        }

        StoreIndex parse() throws CrunchException {
            for (int i = 0; i < header.entryCount(); i++) {
                parseEntry(i);
            }
            if (index.hasRemaining()) {
                throw corrupt(name, index.remaining() + " bytes after the last index entry");
            }
            long dataEnd = CrunchFormat.HEADER_LENGTH + header.indexLength() + header.dataLength();
            if (dataOffset != dataEnd) {
                throw corrupt(name, "files hold " + (dataOffset - CrunchFormat.HEADER_LENGTH - header.indexLength())
                        + " data bytes but the header announces " + header.dataLength());
            }
            return new StoreIndex(Map.copyOf(entries), List.copyOf(fileKeys));
        }

        private void parseEntry(int position) throws CrunchException {
            int kind = Byte.toUnsignedInt(index.get());
            if (kind != CrunchFormat.KIND_DIRECTORY && kind != CrunchFormat.KIND_FILE) {
                throw corrupt(name, "entry " + position + " has unknown kind " + kind);
            }
            String key = key(position);
            if (position == 0 && !(key.isEmpty() && kind == CrunchFormat.KIND_DIRECTORY)) {
                throw corrupt(name, "the first entry is not the root directory");
            }
            if (kind == CrunchFormat.KIND_DIRECTORY) {
                directories.add(key);
                entries.put(key, new Entry(new KvNode.Directory(key), -1, -1));
                return;
            }
            long length = index.getLong();
            long gzipLength = index.getLong();
            long modified = index.getLong();
            String contentType = ascii(key, "content type");
            String etag = ascii(key, "ETag");
            if (length < 0 || length > CrunchFormat.MAX_FILE_BYTES) {
                throw corrupt(name, key + ": length " + length + " out of range");
            }
            if (gzipLength < -1 || gzipLength >= Math.max(length, 1)) {
                throw corrupt(name, key + ": gzip length " + gzipLength + " is not smaller than the file");
            }
            if (modified < 0 || modified > CrunchFormat.MAX_EPOCH_SECOND) {
                throw corrupt(name, key + ": last-modified time out of range");
            }
            if (etag.length() < 3 || etag.charAt(0) != '"' || etag.charAt(etag.length() - 1) != '"'
                    || etag.indexOf('"', 1) != etag.length() - 1) {
                throw corrupt(name, key + ": malformed ETag");
            }
            long identityOffset = dataOffset;
            dataOffset += length;
            long gzipOffset = -1;
            if (gzipLength >= 0) {
                gzipOffset = dataOffset;
                dataOffset += gzipLength;
            }
            KvNode.File file = new KvNode.File(key, length, contentType, etag, Instant.ofEpochSecond(modified), gzipLength);
            entries.put(key, new Entry(file, identityOffset, gzipOffset));
            fileKeys.add(key);
        }

        /** Reads a key and checks it is UTF-8, a valid key, in order, and in a known directory. */
        private String key(int position) throws CrunchException {
            int length = Short.toUnsignedInt(index.getShort());
            if (length > CrunchFormat.MAX_KEY_BYTES) {
                throw corrupt(name, "entry " + position + " has a key of " + length + " bytes");
            }
            byte[] bytes = new byte[length];
            index.get(bytes);
            String key;
            try {
                key = utf8.decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw corrupt(name, "entry " + position + " has a key that is not valid UTF-8");
            }
            if (!Keys.isValid(key)) {
                throw corrupt(name, "entry " + position + " has an invalid key " + quote(key));
            }
            if (previousKey != null && Arrays.compareUnsigned(previousKey, bytes) >= 0) {
                throw corrupt(name, "keys out of order at " + quote(key));
            }
            previousKey = bytes;
            if (position > 0) {
                int slash = key.lastIndexOf('/');
                String parent = slash < 0 ? "" : key.substring(0, slash);
                if (!directories.contains(parent)) {
                    throw corrupt(name, quote(key) + " is not inside a directory of the store");
                }
            }
            return key;
        }

        private String ascii(String key, String what) throws CrunchException {
            int length = Byte.toUnsignedInt(index.get());
            byte[] bytes = new byte[length];
            index.get(bytes);
            for (byte b : bytes) {
                if (!CrunchFormat.isPrintableAscii(b)) {
                    throw corrupt(name, key + ": " + what + " is not printable ASCII");
                }
            }
            if (length == 0) {
                throw corrupt(name, key + ": empty " + what);
            }
            return new String(bytes, StandardCharsets.US_ASCII);
        }

        private static String quote(String key) {
            StringBuilder out = new StringBuilder("\"");
            key.codePoints().limit(200).forEach(c -> {
                if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", c));
                } else {
                    out.appendCodePoint(c);
                }
            });
            return out.append('"').toString();
        }
    }
}
