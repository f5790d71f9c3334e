package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Digests and HMACs cloned from shared prototypes stay independent and compute the standard values. */
@Timeout(10)
class JdkFirstJcaHelperTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void clonedDigestsAreIndependentAndGiveFips180Values() throws Exception {
        JdkFirstJcaHelper helper = new JdkFirstJcaHelper();
        MessageDigest first = helper.createDigest("SHA-256");
        first.update("ab".getBytes(StandardCharsets.US_ASCII));
        MessageDigest second = helper.createMessageDigest("SHA-256");
        first.update("c".getBytes(StandardCharsets.US_ASCII));

        // FIPS 180-2, SHA-256("abc") and SHA-256("").
        assertArrayEquals(HEX.parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), first.digest());
        assertArrayEquals(HEX.parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), second.digest());
    }

    @Test
    void clonedMacsTakeTheirOwnKeysAndGiveRfc4231Values() throws Exception {
        JdkFirstJcaHelper helper = new JdkFirstJcaHelper();
        Mac first = helper.createMac("HmacSHA256");
        Mac second = helper.createMac("HmacSHA256");
        first.init(new SecretKeySpec(HEX.parseHex("0b".repeat(20)), "HmacSHA256"));
        second.init(new SecretKeySpec("Jefe".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));

        // RFC 4231 test cases 1 and 2.
        assertArrayEquals(HEX.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                first.doFinal("Hi There".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                second.doFinal("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void ciphersComeFromTheProviderFoundFirstEachTimeFresh() throws Exception {
        JdkFirstJcaHelper helper = new JdkFirstJcaHelper();
        Cipher first = helper.createCipher("AES/GCM/NoPadding");
        Cipher second = helper.createCipher("AES/GCM/NoPadding");
        assertEquals(first.getProvider(), second.getProvider());
        assertEquals("SunJCE", second.getProvider().getName());
        assertNotSame(first, second);
    }
}
