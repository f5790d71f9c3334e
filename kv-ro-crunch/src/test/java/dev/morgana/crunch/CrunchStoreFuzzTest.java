package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.morgana.types.kv.Encoding;
import dev.morgana.types.kv.KvNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Fuzzes the store reader. The input is the index and data of a store; the header is written
 * around it with correct lengths and checksum, so the fuzzer reaches the index parser instead of
 * stopping at the checksum. Any outcome but a {@link CrunchException} or a store that serves every
 * key is a bug. Seeds run as a regression test; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CrunchStoreFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void openingNeverFailsOtherwise(byte[] input) throws IOException {
        if (input.length < 4) {
            return;
        }
        // The first 4 bytes say how much of the rest is index (the rest is data) and how many entries.
        int entries = 1 + Byte.toUnsignedInt(input[0]) % 32;
        int indexLength = Math.min(input.length - 4, ((input[1] & 0xff) << 8) | (input[2] & 0xff));
        byte[] store = new byte[CrunchFormat.HEADER_LENGTH + input.length - 4];
        ByteBuffer header = ByteBuffer.wrap(store);
        header.put(CrunchFormat.MAGIC).putInt(CrunchFormat.VERSION).putInt(entries)
                .putLong(indexLength).putLong(input.length - 4 - indexLength);
        CRC32C crc = new CRC32C();
        crc.update(input, 4, indexLength);
        header.putInt((int) crc.getValue()).putInt(0);
        System.arraycopy(input, 4, store, CrunchFormat.HEADER_LENGTH, input.length - 4);
        CrunchStore opened;
        try {
            opened = CrunchStore.load(new ByteArrayInputStream(store), store.length, "crunch:fuzz");
        } catch (CrunchException refused) {
            assertTrue(refused.getMessage().startsWith("crunch:fuzz: not a valid crunch store: "));
            return;
        }
        try (opened) {
            for (String key : opened.keys()) {
                KvNode.File file = (KvNode.File) opened.find(key).orElseThrow();
                opened.read(file, Encoding.IDENTITY, 0, Integer.MAX_VALUE);
                if (file.hasGzip()) {
                    opened.read(file, Encoding.GZIP, 0, Integer.MAX_VALUE);
                }
            }
        }
    }
}
