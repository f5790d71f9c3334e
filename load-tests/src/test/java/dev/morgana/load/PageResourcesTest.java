package dev.morgana.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PageResourcesTest {

    @Test
    void stylesheetsIconsAndImagesInDocumentOrderWithoutRepeats() {
        String html = """
                <LINK REL='stylesheet' HREF='/css/site.css'>
                <link rel="canonical" href="/elsewhere.html">
                <link rel="icon" href="/favicon.ico" sizes="16x16">
                <a href="/page.html"><img alt="" src="/images/logo.svg"></a>
                <img src="/images/logo.svg">""";
        assertEquals(List.of("/css/site.css", "/favicon.ico", "/images/logo.svg"), PageResources.of(html, "/index.html"));
    }

    @Test
    void relativeReferencesResolveAgainstThePage() {
        assertEquals(List.of("/docs/img/a.png", "/img/b.png", "/c.png"),
                PageResources.of("<img src=\"img/a.png\"><img src=\"../img/b.png?v=2\"><img src=\"./../../c.png#x\">",
                        "/docs/page.html"));
    }

    @Test
    void otherHostsAndDataUrlsAreLeftOut() {
        assertEquals(List.of(), PageResources.of(
                "<img src=\"https://example.org/a.png\"><img src=\"//cdn/b.png\"><img src=\"data:image/png;base64,AA\">",
                "/index.html"));
        assertNull(PageResources.resolve("mailto:x@y", "/index.html"));
    }
}
