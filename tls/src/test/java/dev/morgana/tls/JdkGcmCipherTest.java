package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AES-GCM record protection: the published test vector, a round trip with AAD, a forged tag. */
@Timeout(10)
class JdkGcmCipherTest {

    private static final HexFormat HEX = HexFormat.of();

    private static JdkGcmCipher cipher(boolean encrypting, byte[] key) throws Exception {
        JdkGcmCipher cipher = new JdkGcmCipher(Cipher.getInstance("AES/GCM/NoPadding"), encrypting);
        cipher.setKey(key, 0, key.length);
        return cipher;
    }

    /** McGrew and Viega, "The Galois/Counter Mode of Operation", test case 2. */
    @Test
    void encryptsThePublishedTestVector() throws Exception {
        JdkGcmCipher gcm = cipher(true, new byte[16]);
        gcm.init(new byte[12], 16);
        byte[] out = new byte[gcm.getOutputSize(16)];

        int n = gcm.doFinal(null, new byte[16], 0, 16, out, 0);

        assertEquals(32, n);
        assertArrayEquals(HEX.parseHex("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf"), out);
    }

    @Test
    void decryptsWhatItEncryptedWithTheSameAdditionalDataAndRefusesAForgedTag() throws Exception {
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
        byte[] aad = HEX.parseHex("1703030025");
        byte[] record = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        JdkGcmCipher encrypt = cipher(true, key);
        JdkGcmCipher decrypt = cipher(false, key);
        byte[] sealed = new byte[record.length + 16];
        for (int seq = 0; seq < 3; seq++) { // a fresh nonce per record, as the record layer does
            byte[] nonce = HEX.parseHex("cafebabefacedbaddecaf88" + seq);
            encrypt.init(nonce, 16);
            encrypt.doFinal(aad, record, 0, record.length, sealed, 0);
            decrypt.init(nonce, 16);
            byte[] opened = new byte[decrypt.getOutputSize(sealed.length)];
            assertEquals(record.length, decrypt.doFinal(aad, sealed, 0, sealed.length, opened, 0));
            assertArrayEquals(record, Arrays.copyOf(opened, record.length));
        }

        sealed[sealed.length - 1] ^= 1;
        decrypt.init(HEX.parseHex("cafebabefacedbaddecaf882"), 16);
        assertThrows(IllegalStateException.class,
                () -> decrypt.doFinal(aad, sealed, 0, sealed.length, new byte[sealed.length], 0));
    }

    @Test
    void refusesARecordBeforeItsKey() throws Exception {
        JdkGcmCipher gcm = new JdkGcmCipher(Cipher.getInstance("AES/GCM/NoPadding"), true);
        assertThrows(IllegalStateException.class, () -> gcm.init(new byte[12], 16));
    }
}
