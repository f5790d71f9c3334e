package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FS=crunch and FS=fat are a configuration choice only: the same site gives the same
 * responses, every header included except Date, whichever store serves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class FsEquivalenceTest {

    @TempDir
    static Path tmp;

    private RunningAppliance crunch;
    private RunningAppliance fat;
    private int crunchPort;
    private int fatPort;

    @BeforeAll
    void buildBoth() throws Exception {
        crunchPort = RunningAppliance.freePort();
        fatPort = RunningAppliance.freePort();
        Path crunchLauncher = Project.configureAndBuild("www", tmp.resolve("crunch"),
                Map.of("FS", "crunch", "PORT", Integer.toString(crunchPort)));
        Path fatLauncher = Project.configureAndBuild("www", tmp.resolve("fat"),
                Map.of("FS", "fat", "PORT", Integer.toString(fatPort)));
        assertTrue(Files.isRegularFile(tmp.resolve("fat/data/htdocs.img")), "the FAT image ships beside the code");
        crunch = RunningAppliance.start(crunchLauncher, crunchPort, Duration.ofSeconds(120));
        fat = RunningAppliance.start(fatLauncher, fatPort, Duration.ofSeconds(120));
    }

    @AfterAll
    void stopBoth() throws Exception {
        if (crunch != null) {
            crunch.stop();
        }
        if (fat != null) {
            fat.stop();
        }
    }

    private void assertSameResponse(String method, String path, String... headers) throws Exception {
        String fromCrunch = RawHttp.withoutDate(RawHttp.exchange(crunchPort, method, path, headers));
        String fromFat = RawHttp.withoutDate(RawHttp.exchange(fatPort, method, path, headers));
        assertEquals(fromCrunch, fromFat, method + " " + path + " " + List.of(headers));
    }

    @Test
    void everyFileGivesIdenticalResponses() throws Exception {
        try (var files = Files.walk(Project.HTDOCS)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String path = "/" + Project.HTDOCS.relativize(file).toString().replace(' ', '+');
                assertSameResponse("GET", path);
                assertSameResponse("GET", path, "Accept-Encoding: gzip");
                assertSameResponse("HEAD", path);
            }
        }
    }

    @Test
    void errorsRedirectsAndConditionalsAreIdentical() throws Exception {
        assertSameResponse("GET", "/");
        assertSameResponse("GET", "/docs");
        assertSameResponse("GET", "/docs/");
        assertSameResponse("GET", "/no/such/file.html");
        assertSameResponse("GET", "/index.html", "Range: bytes=10-99");
        String etag = RawHttp.withoutDate(RawHttp.exchange(crunchPort, "GET", "/index.html"))
                .lines().filter(l -> l.regionMatches(true, 0, "ETag:", 0, 5)).findFirst().orElseThrow().substring(5).trim();
        assertSameResponse("GET", "/index.html", "If-None-Match: " + etag);
    }
}
