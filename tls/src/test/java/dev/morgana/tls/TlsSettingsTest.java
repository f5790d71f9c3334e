package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TlsSettingsTest {

    @Test
    void offByDefault() {
        TlsSettings s = TlsSettings.fromKeys(Map.of(), TlsSettings.UNIX_DEFAULT_PORT);
        assertFalse(s.enabled());
        assertEquals(8443, s.port());
    }

    @Test
    void onWithoutFilesMeansADevelopmentCertificate() {
        TlsSettings s = TlsSettings.fromKeys(Map.of("TLS", "on"), TlsSettings.VM_DEFAULT_PORT);
        assertTrue(s.usesDevelopmentCertificate());
        assertEquals(443, s.port());
        assertEquals(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT, s.handshakeTimeout());
    }

    @Test
    void severalCertificatesPairWithTheirKeysInOrder() {
        TlsSettings s = TlsSettings.fromKeys(Map.of("TLS", "on", "TLS_CERT", "a.pem, b.pem",
                "TLS_KEY", "a.key,b.key", "TLS_PORT", "9443", "TLS_HANDSHAKE_TIMEOUT", "5"), 8443);
        assertEquals(List.of(new TlsConfig.PemFiles(Path.of("a.pem"), Path.of("a.key")),
                new TlsConfig.PemFiles(Path.of("b.pem"), Path.of("b.key"))), s.certificates());
        assertEquals(9443, s.port());
        assertEquals(Duration.ofSeconds(5), s.handshakeTimeout());
        assertFalse(s.usesDevelopmentCertificate());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertMessage("TLS: expected on or off", Map.of("TLS", "yes"));
        assertMessage("TLS_PORT: expected a port number", Map.of("TLS", "on", "TLS_PORT", "70000"));
        assertMessage("TLS_PORT: expected a port number", Map.of("TLS", "on", "TLS_PORT", "https"));
        assertMessage("TLS_CERT names 1 file(s) but TLS_KEY names 0", Map.of("TLS", "on", "TLS_CERT", "a.pem"));
        assertMessage("TLS is off", Map.of("TLS_CERT", "a.pem", "TLS_KEY", "a.key"));
        assertMessage("TLS_HANDSHAKE_TIMEOUT", Map.of("TLS", "on", "TLS_HANDSHAKE_TIMEOUT", "0"));
    }

    private static void assertMessage(String expected, Map<String, String> keys) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsSettings.fromKeys(keys, 8443));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
