package dev.morgana.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LoadParametersTest {

    private static LoadParameters of(Map<String, String> values) {
        return LoadParameters.from(values::get);
    }

    @Test
    void defaultsTargetTheLocalApplianceWithTheBuildsManifest() {
        LoadParameters p = of(Map.of());
        assertEquals("http://127.0.0.1:8080", p.url().toString());
        assertEquals(Duration.ofSeconds(30), p.duration());
        assertEquals(OptionalInt.empty(), p.p99());
        assertFalse(p.tls());
        assertEquals("/index.html", p.home().path());
        assertEquals("/downloads/sample-4MiB.bin", p.largest().path());
        assertTrue(p.readablePages().stream().noneMatch(f -> f.path().equals("/404.html")));
        assertTrue(p.smallFiles(64 * 1024).stream().allMatch(f -> f.length() <= 64 * 1024));
    }

    @Test
    void valuesAreParsedAndATrailingSlashIsDropped() {
        LoadParameters p = of(Map.of("url", "https://localhost:8443/", "rate", "400", "duration", "60", "p99", "100",
                "think", "0", "warmup", "10"));
        assertEquals("https://localhost:8443", p.url().toString());
        assertTrue(p.tls());
        assertEquals(400, p.rate());
        assertEquals(OptionalInt.of(100), p.p99());
        assertEquals(Duration.ZERO, p.think());
        assertEquals(Duration.ofSeconds(10), p.warmup());
    }

    @Test
    void badValuesNameTheParameter() {
        var rate = assertThrows(IllegalArgumentException.class, () -> of(Map.of("rate", "fast")));
        assertTrue(rate.getMessage().contains("load.rate"), rate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> of(Map.of("users", "0")));
        var url = assertThrows(IllegalArgumentException.class, () -> of(Map.of("url", "ftp://host")));
        assertTrue(url.getMessage().contains("load.url"), url.getMessage());
    }
}
