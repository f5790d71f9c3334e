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
        assertTrue(main.contains("new StaticSite(console, store, https, siteOptions);"), main);
        assertTrue(main.contains("SiteOptions siteOptions = SiteOptions.fromKeys(\"hsts\", \"max-age=600\");"), main);
        assertFalse(main.contains("store, http)") || main.contains("store, http,"), "no site on the plain port: " + main);
    }

    @Test
    void withoutRedirectThePlainPortServesTheSiteWithoutHstsAndHstsDefaultsToOneYear() throws Exception {
        String main = configure(Map.of("TLS", "on"));
        assertTrue(main.contains("new StaticSite(console, store, http);"), main);
        assertTrue(main.contains("SiteOptions.fromKeys(\"hsts\", \"max-age=31536000\")"), main);
    }

    @Test
    void hstsOffServesTheTlsSiteWithoutTheHeader() throws Exception {
        String main = configure(Map.of("TLS", "on", "HSTS", "off"));
        assertFalse(main.contains("hsts"), main);
        assertTrue(main.contains("new StaticSite(console, store, https);"), main);
    }

    @Test
    void negativeHstsIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure(Map.of("TLS", "on", "HSTS", "-1")));
        assertTrue(e.getMessage().startsWith("bad value '-1' for key HSTS"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted values are off, or seconds from 0 to 2147483647"), e.getMessage());
    }

    @Test
    void httpAndSiteKeysReachTheServerAndTheSiteOnBothPorts() throws Exception {
        String main = configure(Map.of("TLS", "on", "HSTS", "off", "ACCESS_LOG", "false",
                "HTTP_IDLE_TIMEOUT", "5s", "CSP", "default-src 'self'"));
        assertTrue(main.contains("new Http1Server(console, tcp, 8080, HttpOptions.fromKeys(\"access-log\", \"false\", "
                + "\"http-idle-timeout\", \"5s\"));"), main);
        assertTrue(main.contains("new Http1Server(console, tls, 8443, HttpOptions.fromKeys("), main);
        assertTrue(main.contains("SiteOptions.fromKeys(\"csp\", \"default-src 'self'\")"), main);
        assertTrue(main.contains("new StaticSite(console, store, http, siteOptions"), main);
    }

    @Test
    void defaultHttpKeysLeaveTheGeneratedCodeAsBefore() throws Exception {
        String main = configure(Map.of());
        assertTrue(main.contains("HttpServer http = new Http1Server(console, tcp, 8080);"), main);
        assertTrue(main.contains("new StaticSite(console, store, http);"), main);
    }

    @Test
    void badHttpKeysAreRefusedAtConfigureWithTheOptionsMessage() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure(Map.of("HTTP_IDLE_TIMEOUT", "5")));
        assertTrue(e.getMessage().startsWith("bad value '5' for key HTTP_IDLE_TIMEOUT"), e.getMessage());
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        ConfigException csp = assertThrows(ConfigException.class, () -> configure(Map.of("CSP", "a\u0001b")));
        assertTrue(csp.getMessage().contains("printable ASCII"), csp.getMessage());
    }
}
