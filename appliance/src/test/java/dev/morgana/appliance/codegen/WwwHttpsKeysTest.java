package dev.morgana.appliance.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.appliance.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The www config's HTTPS_REDIRECT and HSTS keys: what they generate, and what they refuse. */
@Timeout(120)
class WwwHttpsKeysTest {

    @TempDir
    Path tmp;

    private String configure(Map<String, String> keys) throws Exception {
        Configure.run(ConfigureTest.PROJECT, "www", tmp.resolve("out"), keys, k -> null);
        return Files.readString(tmp.resolve("out/src/Main.java"));
    }

    @Test
    void redirectWithoutTlsIsRefusedAtConfigure() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure(Map.of("HTTPS_REDIRECT", "on")));
        assertEquals("HTTPS_REDIRECT=on needs TLS=on: there is no HTTPS server to redirect to", e.getMessage());
    }

    @Test
    void redirectAndHstsPutTheRedirectOnThePlainPortAndHstsOnTheTlsPortOnly() throws Exception {
        String main = configure(Map.of("TLS", "on", "TLS_PORT", "8443", "PORT", "8080",
                "HTTPS_REDIRECT", "on", "HSTS", "600"));
        assertTrue(main.contains("HttpServer http = new Http1Server(console, tcp, 8080);"), main);
        assertTrue(main.contains("new HttpsRedirectSite(console, http, 8443);"), main);
        assertTrue(main.contains("HttpServer https = new Http1Server(console, tls, 8443);"), main);
        assertTrue(main.contains("new HstsSite(console, store, https, 600);"), main);
        assertFalse(main.contains("new StaticSite("), "no site without HSTS on either port: " + main);
    }

    @Test
    void withoutRedirectThePlainPortServesTheSiteWithoutHstsAndHstsDefaultsToOneYear() throws Exception {
        String main = configure(Map.of("TLS", "on"));
        assertTrue(main.contains("new StaticSite(console, store, http);"), main);
        assertTrue(main.contains("new HstsSite(console, store, https, 31536000);"), main);
    }

    @Test
    void hstsOffServesTheTlsSiteWithoutTheHeader() throws Exception {
        String main = configure(Map.of("TLS", "on", "HSTS", "off"));
        assertFalse(main.contains("HstsSite"), main);
        assertTrue(main.contains("new StaticSite(console, store, https);"), main);
    }

    @Test
    void negativeHstsIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure(Map.of("TLS", "on", "HSTS", "-1")));
        assertTrue(e.getMessage().startsWith("bad value '-1' for key HSTS"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted values are off, or seconds from 0 to 2147483647"), e.getMessage());
    }
}
