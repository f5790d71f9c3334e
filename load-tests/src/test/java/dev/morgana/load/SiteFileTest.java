package dev.morgana.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SiteFileTest {

    private static final String ZEROS = "0".repeat(64);

    @Test
    void indexPagesAreRequestedByTheirFolderAndNamesArePercentEncoded() {
        assertEquals("/", new SiteFile("/index.html", 1, ZEROS, List.of()).urlPath());
        assertEquals("/docs/modules/", new SiteFile("/docs/modules/index.html", 1, ZEROS, List.of()).urlPath());
        assertEquals("/docs/keys.html", new SiteFile("/docs/keys.html", 1, ZEROS, List.of()).urlPath());
        assertEquals("/caf%C3%A9%20menu.html", new SiteFile("/café menu.html", 1, ZEROS, List.of()).urlPath());
    }

    @Test
    void theDigestIsLowercaseHexSha256() {
        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                SiteFile.sha256Of("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void badEntriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SiteFile("no-slash", 1, ZEROS, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SiteFile("/a\nb", 1, ZEROS, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SiteFile("/a", -1, ZEROS, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SiteFile("/a", 1, ZEROS.toUpperCase().replace('0', 'A'), List.of()));
    }
}
