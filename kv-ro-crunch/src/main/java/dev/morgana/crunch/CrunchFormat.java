package dev.morgana.crunch;

import java.nio.charset.StandardCharsets;

/**
 * The crunch store file format, version 1. All integers are big-endian.
 *
 * <pre>
 * header (40 bytes)
 *    0  8  magic "MGCRUNCH"
 *    8  4  u32 format version, 1
 *   12  4  u32 number of index entries
 *   16  8  u64 index length in bytes
 *   24  8  u64 data length in bytes
 *   32  4  u32 CRC32C of the index bytes
 *   36  4  reserved, zero
 * index (index length bytes): the entries, sorted strictly by the UTF-8 bytes of their keys.
 *   The first entry is the root directory "", and every entry's parent directory precedes it.
 *     u8   kind: 1 directory, 2 file
 *     u16  key length, then the key in UTF-8 (a valid key per Keys.isValid)
 *   files only:
 *     i64  identity length (0 to 1 GiB)
 *     i64  gzip length, or -1 if no gzip variant is stored; always less than the identity length
 *     i64  last modified, whole seconds since the epoch (0 to the end of year 9999)
 *     u8   content type length, then the content type (printable ASCII)
 *     u8   ETag length, then the quoted strong ETag (printable ASCII)
 * data (data length bytes): for each file in index order, its identity bytes, then its gzip
 *   bytes if it has a gzip variant. There is no padding, so every offset follows from the
 *   lengths before it; the data ends exactly where the file does.
 * </pre>
 *
 * <p>The layout is canonical: one site gives exactly one store, and a reader can check every
 * byte of the header and index. Data bytes are not checksummed: a flipped data byte is served
 * as it is, consistently.
 */
final class CrunchFormat {

    static final byte[] MAGIC = "MGCRUNCH".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 40;

    static final int KIND_DIRECTORY = 1;
    static final int KIND_FILE = 2;

    /** Longest key in UTF-8 bytes (Linux's PATH_MAX). */
    static final int MAX_KEY_BYTES = 4096;
    /** Largest single file: bigger ones belong on a FAT image, not in the appliance's memory. */
    static final long MAX_FILE_BYTES = 1L << 30;
    /** Most entries (files and directories) a store may hold. */
    static final int MAX_ENTRIES = 1_000_000;
    /** Last second of the year 9999: HTTP dates cannot go further. */
    static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private CrunchFormat() {}

    /** True for a content type or ETag byte: printable ASCII, so never a header injection. */
    static boolean isPrintableAscii(int b) {
        return b >= 0x20 && b <= 0x7e;
    }
}
