package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The X25519 key exchange the handshake uses, against RFC 7748 §6.1 and bad peer values. */
@Timeout(10)
class X25519DomainTest {

    private static final HexFormat HEX = HexFormat.of();
    // RFC 7748 §6.1.
    private static final byte[] ALICE_PRIVATE = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PUBLIC = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_PUBLIC = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] SHARED = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    /** Hands out Alice's private key as its "random" bytes. */
    private static SecureRandom alicesKey() {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(ALICE_PRIVATE, 0, bytes, 0, bytes.length);
            }
        };
    }

    private static TlsAgreement agreement() {
        return new JdkTlsCrypto(alicesKey()).createECDomain(new TlsECConfig(NamedGroup.x25519)).createECDH();
    }

    @Test
    void computesTheRfc7748KeysAndSharedSecret() throws Exception {
        TlsAgreement alice = agreement();
        assertArrayEquals(ALICE_PUBLIC, alice.generateEphemeral());
        alice.receivePeerValue(BOB_PUBLIC);
        assertArrayEquals(SHARED, alice.calculateSecret().extract());
    }

    @Test
    void refusesAPeerValueOfTheWrongLength() throws Exception {
        TlsAgreement alice = agreement();
        alice.generateEphemeral();
        var e = assertThrows(TlsFatalAlert.class, () -> alice.receivePeerValue(new byte[31]));
        assertEquals(AlertDescription.illegal_parameter, e.getAlertDescription());
    }

    @Test
    void refusesALowOrderPeerPointThatGivesAZeroSecret() throws Exception {
        TlsAgreement alice = agreement();
        alice.generateEphemeral();
        alice.receivePeerValue(new byte[32]); // the point 0 has order 4
        var e = assertThrows(TlsFatalAlert.class, alice::calculateSecret);
        assertEquals(AlertDescription.illegal_parameter, e.getAlertDescription());
    }
}
