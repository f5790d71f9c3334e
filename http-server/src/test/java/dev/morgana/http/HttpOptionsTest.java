package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HttpOptionsTest {

    @Test
    void keysSetTheirOption() {
        HttpOptions o = HttpOptions.defaults()
                .withKey("http-max-request-line", "4k")
                .withKey("http-max-header-bytes", "32768")
                .withKey("http-max-headers", "50")
                .withKey("http-max-body", "2m")
                .withKey("http-idle-timeout", "5s")
                .withKey("http-header-timeout", "500ms")
                .withKey("http-send-timeout", "2m")
                .withKey("http-max-connections", "64")
                .withKey("access-log", "false");
        assertEquals(4096, o.maxRequestLineBytes());
        assertEquals(32768, o.maxHeaderBytes());
        assertEquals(50, o.maxHeaderCount());
        assertEquals(2 * 1024 * 1024, o.maxBodyBytes());
        assertEquals(Duration.ofSeconds(5), o.idleTimeout());
        assertEquals(Duration.ofMillis(500), o.headerTimeout());
        assertEquals(Duration.ofMinutes(2), o.sendTimeout());
        assertEquals(64, o.maxConnections());
        assertFalse(o.accessLog());
        assertTrue(HttpOptions.defaults().accessLog());
    }

    @Test
    void badKeysAndValuesAreNamedInTheError() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> HttpOptions.defaults().withKey("nope", "1"));
        assertTrue(unknown.getMessage().contains("nope") && unknown.getMessage().contains("access-log"));
        for (String[] kv : new String[][] {{"access-log", "yes"}, {"http-idle-timeout", "5"},
            {"http-max-headers", "0"}, {"http-max-body", "-1"}, {"http-max-request-line", "2m"},
            {"http-max-connections", "many"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> HttpOptions.defaults().withKey(kv[0], kv[1]));
            assertTrue(e.getMessage().contains(kv[0]) && e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void fromKeysAppliesPairsInOrderOverTheDefaults() {
        HttpOptions o = HttpOptions.fromKeys("access-log", "false", "http-max-connections", "8",
                "http-max-connections", "16");
        assertFalse(o.accessLog());
        assertEquals(16, o.maxConnections());
        assertEquals(HttpOptions.defaults().idleTimeout(), o.idleTimeout());
        assertEquals(HttpOptions.defaults().maxHeaderBytes(), HttpOptions.fromKeys().maxHeaderBytes());
        assertThrows(IllegalArgumentException.class, () -> HttpOptions.fromKeys("access-log"));
        assertThrows(IllegalArgumentException.class, () -> HttpOptions.fromKeys("access-log", "maybe"));
    }
}
