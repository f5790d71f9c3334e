package dev.morgana.fat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class FatImageBuilderTest {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private Path tmp;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("fat-builder-");
    }

    @AfterEach
    void tearDown() {
        Sites.delete(tmp);
    }

    private FatOptions options(FatOptions.Type type) {
        return new FatOptions(type, 0.10, EPOCH);
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void fsckFindsNoErrorsInBuiltImages(FatOptions.Type type) throws Exception {
        Tools.require("fsck.fat");
        Path site = Sites.write(tmp.resolve("site"), Sites.sample());
        Path image = tmp.resolve("site.img");
        FatImageBuilder.Result result = FatImageBuilder.build(site, image, options(type), s -> {});
        assertEquals(type.name(), result.fatType());
        Tools.Run fsck = Tools.run("fsck.fat", "-n", "-v", image.toString());
        assertEquals(0, fsck.exit(), fsck.out() + fsck.stderr());
        // fsck.fat counts directories as files, and sees the gzip variants' tree too
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(": (\\d+) files, ").matcher(fsck.out());
        assertTrue(m.find(), fsck.out());
        assertTrue(Integer.parseInt(m.group(1)) >= result.files() + result.directories() + result.gzipVariants(),
                fsck.out());
        assertTrue(result.gzipVariants() >= 2, "gzip variants: " + result.gzipVariants());
    }

    @ParameterizedTest
    @EnumSource(value = FatOptions.Type.class, names = {"FAT16", "FAT32"})
    void mtoolsListsAndExtractsEveryFileByteExact(FatOptions.Type type) throws Exception {
        Tools.require("mcopy");
        Map<String, byte[]> content = Sites.sample();
        Path site = Sites.write(tmp.resolve("site"), content);
        Path image = tmp.resolve("site.img");
        FatImageBuilder.build(site, image, options(type), s -> {});
        Tools.Run dir = Tools.run("mdir", "-/", "-b", "-i", image.toString(), "::/");
        assertEquals(0, dir.exit(), dir.stderr());
        List<String> listed = dir.out().lines().filter(l -> !l.endsWith("/"))
                .map(l -> l.substring(3)).filter(k -> !k.startsWith(GzipVariant.DIRECTORY + "/")).sorted().toList();
        assertEquals(List.copyOf(content.keySet()), listed);
        assertTrue(dir.out().contains("::/" + GzipVariant.DIRECTORY + "/docs/getting-started-with-a-rather-long-file-name.html.gz"),
                dir.out());
        Path out = Files.createDirectories(tmp.resolve("extracted"));
        Tools.Run all = Tools.run("mcopy", "-s", "-n", "-i", image.toString(), "::/*", out.toString());
        assertEquals(0, all.exit(), all.stderr());
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey());
        }
        try (Stream<Path> extracted = Files.walk(out)) {
            assertEquals(content.size(), extracted.filter(Files::isRegularFile)
                    .filter(p -> !out.relativize(p).startsWith(GzipVariant.DIRECTORY)).count());
        }
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            if (e.getKey().contains("[")) {
                continue; // mtools reads [..] as a wildcard; the recursive copy above covers it
            }
            Tools.Run copy = Tools.run("mcopy", "-n", "-i", image.toString(), "::/" + e.getKey(), "-");
            assertEquals(0, copy.exit(), e.getKey() + ": " + copy.stderr());
            assertArrayEquals(e.getValue(), copy.stdout(), e.getKey());
        }
    }

    @Test
    void sameSiteGivesByteIdenticalImageWhereverItLiesAndWhateverItsTimes() throws Exception {
        Path first = Sites.write(tmp.resolve("one/site"), Sites.sample());
        Path second = Sites.write(tmp.resolve("two/elsewhere/htdocs"), Sites.sample());
        try (Stream<Path> files = Files.walk(second)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
            }
        }
        FatOptions options = options(FatOptions.Type.AUTO);
        FatImageBuilder.Result a = FatImageBuilder.build(first, tmp.resolve("a.img"), options, s -> {});
        Thread.sleep(2100); // FAT stamps have two-second resolution: a clock leak would show
        FatImageBuilder.Result b = FatImageBuilder.build(first, tmp.resolve("b.img"), options, s -> {});
        FatImageBuilder.Result c = FatImageBuilder.build(second, tmp.resolve("c.img"), options, s -> {});
        byte[] bytesA = Files.readAllBytes(a.image());
        assertArrayEquals(bytesA, Files.readAllBytes(b.image()));
        assertArrayEquals(bytesA, Files.readAllBytes(c.image()));
        assertEquals(a.volumeId(), c.volumeId());
    }

    @Test
    void unusualButValidNamesSurviveTheRoundTrip() throws Exception {
        Tools.require("fsck.fat");
        Tools.require("mcopy");
        Map<String, byte[]> site = new java.util.TreeMap<>();
        for (String name : List.of("inner space.html", "\u00e9t\u00e9-\u540d\u524d-\u0436.html", "UPPER.HTML", "lower.html",
                "a+b,c;d=e[f]g.txt", "x".repeat(251) + ".css", "MiXeD.CaSe.Js", "~tilde~1.txt", "dots...in.middle",
                "NAME~1.TXT", "name.txt", "12345678.123", "sp ace/inner file.json", "#hash%20&amp.html")) {
            site.put(name, ("content of " + name).getBytes(UTF_8));
        }
        Path dir = Sites.write(tmp.resolve("site"), site);
        Path image = tmp.resolve("names.img");
        FatImageBuilder.build(dir, image, options(FatOptions.Type.AUTO), s -> {});
        Tools.Run fsck = Tools.run("fsck.fat", "-n", image.toString());
        assertEquals(0, fsck.exit(), fsck.out() + fsck.stderr());
        FatKvRo kv = Images.mount(Files.readAllBytes(image));
        assertEquals(List.copyOf(site.keySet()), kv.keys());
        Path out = Files.createDirectories(tmp.resolve("extracted"));
        Tools.Run all = Tools.run("mcopy", "-s", "-n", "-i", image.toString(), "::/*", out.toString());
        assertEquals(0, all.exit(), all.stderr());
        for (Map.Entry<String, byte[]> e : site.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey());
        }
    }

    @Test
    void differentContentGivesDifferentVolumeId() throws Exception {
        Map<String, byte[]> site = Sites.sample();
        Path one = Sites.write(tmp.resolve("one"), site);
        site.put("index.html", "changed".getBytes());
        Path two = Sites.write(tmp.resolve("two"), site);
        int a = FatImageBuilder.build(one, tmp.resolve("a.img"), options(FatOptions.Type.AUTO), s -> {}).volumeId();
        int b = FatImageBuilder.build(two, tmp.resolve("b.img"), options(FatOptions.Type.AUTO), s -> {}).volumeId();
        assertTrue(a != b, "volume ids should differ");
    }

    @Test
    void imageIsSmallestThatFitsPlusMargin() throws Exception {
        Map<String, byte[]> site = Sites.sample();
        for (int i = 0; i < 40; i++) {
            site.put("bulk/file" + i + ".bin", Sites.random(200_000, i));
        }
        Path dir = Sites.write(tmp.resolve("site"), site);
        long content = site.values().stream().mapToLong(b -> b.length).sum();
        FatImageBuilder.Result tight = FatImageBuilder.build(dir, tmp.resolve("tight.img"),
                new FatOptions(FatOptions.Type.FAT16, 0, EPOCH), s -> {});
        FatImageBuilder.Result roomy = FatImageBuilder.build(dir, tmp.resolve("roomy.img"),
                new FatOptions(FatOptions.Type.FAT16, 0.5, EPOCH), s -> {});
        assertTrue(tight.bytes() >= content, "image smaller than its content");
        assertTrue(tight.bytes() < content * 1.15 + (256 << 10), "image " + tight.bytes() + " for " + content);
        assertTrue(roomy.bytes() >= tight.bytes() * 1.5, roomy.bytes() + " vs " + tight.bytes());
        assertEquals(tight.bytes(), Files.size(tight.image()));
    }

    @Test
    void autoChoosesFat32WhenTheFat16RootDirectoryIsFull() throws Exception {
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir);
        for (int i = 0; i < 600; i++) {
            Files.writeString(dir.resolve("page-number-" + i + ".html"), "page " + i);
        }
        FatImageBuilder.Result auto = FatImageBuilder.build(dir, tmp.resolve("auto.img"),
                options(FatOptions.Type.AUTO), s -> {});
        assertEquals("FAT32", auto.fatType());
        if (new java.io.File("/usr/sbin/fsck.fat").canExecute() || new java.io.File("/sbin/fsck.fat").canExecute()) {
            Tools.Run fsck = Tools.run("fsck.fat", "-n", auto.image().toString());
            assertEquals(0, fsck.exit(), fsck.out() + fsck.stderr());
        }
        assertEquals(600, Images.mount(Files.readAllBytes(auto.image())).keys().size());
        FatBuildException e = assertThrows(FatBuildException.class, () -> FatImageBuilder.build(dir,
                tmp.resolve("16.img"), options(FatOptions.Type.FAT16), s -> {}));
        assertTrue(e.getMessage().contains("root directory"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CON", "nul.txt", "Aux.html", "com1", "a:b.html", "what?.html", "star*.css",
            "quote\".txt", "pipe|.txt", "less<.txt", "trailing.", "trailing ", " leading", "tab\tname",
            "emoji-\uD83D\uDE00.html"})
    void namesFatCannotHoldAreBuildErrorsNamingTheFile(String name) throws Exception {
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve(name), "x");
        FatBuildException e = assertThrows(FatBuildException.class,
                () -> FatImageBuilder.build(dir, tmp.resolve("x.img"), options(FatOptions.Type.AUTO), s -> {}));
        assertTrue(e.getMessage().contains(dir.resolve("sub").resolve(name).toString()), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("x.img")));
    }

    @Test
    void tooLongNameIsABuildErrorNamingTheFile() throws Exception {
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir);
        String name = "é".repeat(200) + ".html"; // 205 UTF-16 units, 405 bytes: Linux holds 255 bytes
        Path p;
        try {
            p = Files.writeString(dir.resolve("ok-" + "x".repeat(240) + ".html"), "x");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // A name of 256 UTF-16 units needs more than Linux's 255 bytes unless each unit is one
        // byte, which caps names at 255: so check the limit on the validator directly, too.
        assertEquals(null, FatNames.problem("x".repeat(255)));
        assertTrue(FatNames.problem("x".repeat(256)).contains("256 UTF-16 units"));
        assertTrue(Files.exists(p));
        assertEquals(null, FatNames.problem(name));
    }

    @Test
    void symbolicLinksInsideTheSiteAreFollowedOthersAreErrors() throws Exception {
        Path dir = Sites.write(tmp.resolve("site"), Map.of("real/page.html", "<p>linked</p>".getBytes()));
        Files.createSymbolicLink(dir.resolve("alias.html"), Path.of("real/page.html"));
        Files.createSymbolicLink(dir.resolve("mirror"), Path.of("real"));
        FatImageBuilder.build(dir, tmp.resolve("links.img"), options(FatOptions.Type.AUTO), s -> {});
        FatKvRo kv = Images.mount(Files.readAllBytes(tmp.resolve("links.img")));
        assertEquals(List.of("alias.html", "mirror/page.html", "real/page.html"), kv.keys());

        Files.writeString(tmp.resolve("outside.html"), "secret");
        Path outside = Files.createSymbolicLink(dir.resolve("out.html"), tmp.resolve("outside.html"));
        assertBuildError(dir, outside + ": symbolic link leads outside htdocs");
        Files.delete(outside);
        Path broken = Files.createSymbolicLink(dir.resolve("broken.html"), Path.of("nowhere.html"));
        assertBuildError(dir, broken + ": broken symbolic link");
        Files.delete(broken);
        Files.createSymbolicLink(dir.resolve("real/loop"), Path.of(".."));
        assertBuildError(dir, "/loop: symbolic link loop (leads back to " + dir.toRealPath() + ")");
    }

    private void assertBuildError(Path site, String expected) {
        FatBuildException e = assertThrows(FatBuildException.class,
                () -> FatImageBuilder.build(site, tmp.resolve("bad.img"), options(FatOptions.Type.AUTO), s -> {}));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theGzipDirectoryNameIsReserved() throws Exception {
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir.resolve(".Morgana-Gzip"));
        Files.writeString(dir.resolve(".Morgana-Gzip/x.html"), "x");
        FatBuildException e = assertThrows(FatBuildException.class,
                () -> FatImageBuilder.build(dir, tmp.resolve("x.img"), options(FatOptions.Type.AUTO), s -> {}));
        assertTrue(e.getMessage().contains(".Morgana-Gzip") && e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void caseCollidingSiblingsAreABuildErrorNamingBoth() throws Exception {
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/Readme.html"), "a");
        Files.writeString(dir.resolve("docs/README.html"), "b");
        FatBuildException e = assertThrows(FatBuildException.class,
                () -> FatImageBuilder.build(dir, tmp.resolve("x.img"), options(FatOptions.Type.AUTO), s -> {}));
        assertTrue(e.getMessage().contains("Readme.html") && e.getMessage().contains("README.html"), e.getMessage());
    }

    @Test
    void commandLineBuildsTheSameImageAsTheApi() throws Exception {
        Path dir = Sites.write(tmp.resolve("site"), Sites.sample());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FatImageBuilder.run(new String[] {dir.toString(), tmp.resolve("cli.img").toString(),
                "--fat", "32", "--margin", "0.25", "--epoch", "1767225600"},
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertEquals(0, status, err.toString(UTF_8));
        assertTrue(out.toString(UTF_8).contains("fat: wrote " + tmp.resolve("cli.img") + ": FAT32"), out.toString(UTF_8));
        FatImageBuilder.build(dir, tmp.resolve("api.img"), new FatOptions(FatOptions.Type.FAT32, 0.25, EPOCH), s -> {});
        assertArrayEquals(Files.readAllBytes(tmp.resolve("api.img")), Files.readAllBytes(tmp.resolve("cli.img")));
    }

    @Test
    void commandLineReportsUsageAndBuildErrors() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
        PrintStream errors = new PrintStream(err, true, UTF_8);
        assertEquals(2, FatImageBuilder.run(new String[] {"only-one"}, quiet, errors));
        assertEquals(2, FatImageBuilder.run(new String[] {"a", "b", "--fat", "12"}, quiet, errors));
        assertEquals(2, FatImageBuilder.run(new String[] {"a", "b", "--margin", "lots"}, quiet, errors));
        assertEquals(2, FatImageBuilder.run(new String[] {"a", "b", "--epoch", "0"}, quiet, errors));
        assertTrue(err.toString(UTF_8).contains("usage: FatImageBuilder"), err.toString(UTF_8));
        assertTrue(err.toString(UTF_8).contains("outside FAT's 1980..2107 range"), err.toString(UTF_8));
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("con.html"), "x");
        assertEquals(1, FatImageBuilder.run(new String[] {dir.toString(), tmp.resolve("x.img").toString(),
                "--epoch", "1767225600"}, quiet, errors));
        assertTrue(err.toString(UTF_8).contains("fat: build failed: " + dir.resolve("con.html")), err.toString(UTF_8));
    }

    @Test
    void reportsProgress() throws Exception {
        Path dir = Sites.write(tmp.resolve("site"), Sites.sample());
        List<String> lines = new ArrayList<>();
        FatImageBuilder.build(dir, tmp.resolve("p.img"), options(FatOptions.Type.AUTO), lines::add);
        assertTrue(lines.getFirst().startsWith("fat: 12 files"), lines.toString());
        assertTrue(lines.getLast().startsWith("fat: wrote "), lines.toString());
    }
}
