package dev.morgana.crunch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DeterminismTest {

    @TempDir
    Path temp;

    @Test
    void twoBuildsOfTheSameSiteAreByteIdentical() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Sites.writeSample(htdocs);
        CrunchBuilder.build(htdocs, temp.resolve("one.crunch"), Sites.MODIFIED, line -> {});
        CrunchBuilder.build(htdocs, temp.resolve("two.crunch"), Sites.MODIFIED, line -> {});
        assertArrayEquals(Files.readAllBytes(temp.resolve("one.crunch")), Files.readAllBytes(temp.resolve("two.crunch")));
    }

    @Test
    void aCopyElsewhereWithOtherFileTimesGivesTheSameBytes() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Map<String, byte[]> files = Sites.writeSample(htdocs);
        // Written in the reverse order, so directory listing order differs too on most file systems.
        Path copy = temp.resolve("elsewhere/deeper/site");
        List<String> keys = new ArrayList<>(files.keySet());
        for (int i = keys.size() - 1; i >= 0; i--) {
            Path target = copy.resolve(keys.get(i));
            Files.createDirectories(target.getParent());
            Files.write(target, files.get(keys.get(i)));
            Files.setLastModifiedTime(target, FileTime.from(Instant.parse("2001-02-03T04:05:06Z").plusSeconds(i)));
        }
        Files.createDirectories(copy.resolve("empty-dir"));
        CrunchBuilder.build(htdocs, temp.resolve("one.crunch"), Sites.MODIFIED, line -> {});
        CrunchBuilder.build(copy, temp.resolve("two.crunch"), Sites.MODIFIED, line -> {});
        assertArrayEquals(Files.readAllBytes(temp.resolve("one.crunch")), Files.readAllBytes(temp.resolve("two.crunch")));
    }

    @Test
    void theLastModifiedTimeIsTheOnlyTimeInTheStore() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        Sites.writeSample(htdocs);
        CrunchBuilder.build(htdocs, temp.resolve("one.crunch"), Sites.MODIFIED, line -> {});
        CrunchBuilder.build(htdocs, temp.resolve("two.crunch"), Sites.MODIFIED.plusMillis(999), line -> {});
        CrunchBuilder.build(htdocs, temp.resolve("three.crunch"), Sites.MODIFIED.plusSeconds(1), line -> {});
        byte[] one = Files.readAllBytes(temp.resolve("one.crunch"));
        assertArrayEquals(one, Files.readAllBytes(temp.resolve("two.crunch")), "sub-second parts are dropped");
        assertNotEquals(Arrays.hashCode(one), Arrays.hashCode(Files.readAllBytes(temp.resolve("three.crunch"))));
    }

    @Test
    void sourceDateEpochSetsTheTimeAndTheDefaultIsFixed() {
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), CrunchBuilder.lastModified(null));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), CrunchBuilder.lastModified(" "));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), CrunchBuilder.lastModified("1700000000"));
        assertTrue(assertThrowsIae("yesterday").contains("SOURCE_DATE_EPOCH"));
        assertTrue(assertThrowsIae("-5").contains("SOURCE_DATE_EPOCH"));
    }

    @Test
    void largeSitesReportProgressEveryTenth() throws IOException {
        Path htdocs = temp.resolve("htdocs");
        for (int i = 0; i < 250; i++) {
            Path file = htdocs.resolve("dir" + (i % 5) + "/file" + i + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.format("file %03d\n", i)); // equal sizes: bytes and files agree
        }
        List<String> lines = new ArrayList<>();
        CrunchBuilder.Result result = CrunchBuilder.build(htdocs, temp.resolve("site.crunch"), Sites.MODIFIED, lines::add);
        assertEquals(250, result.files());
        assertEquals(6, result.directories());
        assertEquals(10, lines.size(), lines.toString()); // 9 tenths before the end, then the summary
        assertEquals("crunch: 25/250 files, 0 MiB", lines.getFirst());
        assertEquals("crunch: 225/250 files, 0 MiB", lines.get(8));
        assertTrue(lines.getLast().startsWith("crunch: 250 files in 6 directories"), lines.getLast());
        try (Stream<Path> left = Files.list(temp)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files removed");
        }
    }

    private static String assertThrowsIae(String value) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CrunchBuilder.lastModified(value)).getMessage();
    }
}
