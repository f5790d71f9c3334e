package dev.morgana.htdocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs HTML Tidy (an HTML5 checker; installed by scripts/deps.sh) over every page. */
@Timeout(60)
class ValidHtmlTest {

    @BeforeAll
    static void tidyIsInstalled() throws InterruptedException {
        boolean found;
        try {
            Process probe = new ProcessBuilder("tidy", "-v").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            found = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            found = false;
        }
        if (!found) {
            System.out.println("ValidHtmlTest skipped: tidy is not installed (scripts/deps.sh installs it as root)");
        }
        Assumptions.assumeTrue(found, "tidy is not installed");
    }

    @Test
    void everyPageHasNoTidyErrorsOrWarnings() throws Exception {
        for (String page : AssembledSiteTest.htmlPages()) {
            Path file = AssembledSiteTest.HTDOCS.resolve(page);
            Process tidy = new ProcessBuilder("tidy", "-q", "-e", "--show-warnings", "yes", file.toString())
                    .redirectErrorStream(true).start();
            String report = new String(tidy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(tidy.waitFor(20, TimeUnit.SECONDS), "tidy finished on " + page);
            assertEquals("", report.strip(), page);
            assertEquals(0, tidy.exitValue(), page);
        }
    }
}
