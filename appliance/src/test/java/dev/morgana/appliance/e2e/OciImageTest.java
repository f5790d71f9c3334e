package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.morgana.appliance.packaging.LayerCompression;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TARGET=docker: the image archive passes the independent validators (skopeo checks blob
 * digests, umoci the diff_ids), loads into podman with runc, and serves every file; with gzip
 * layers (the default) and with zstd layers (MORGANA_LAYERS=zstd), the same image otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class OciImageTest {

    @TempDir
    static Path tmp;

    private final Map<LayerCompression, Path> images = new EnumMap<>(LayerCompression.class);
    private int port;

    @BeforeAll
    void build() throws Exception {
        port = RunningAppliance.freePort();
        Path out = tmp.resolve("www");
        Project.configureAndBuild("www", out, Map.of("TARGET", "docker", "PORT", Integer.toString(port)));
        Path image = tmp.resolve("www-oci.tar");
        assertTrue(Files.isRegularFile(image), "make build TARGET=docker writes " + image);
        images.put(LayerCompression.GZIP, image);
        if (Commands.available("zstd")) {
            images.put(LayerCompression.ZSTD, Project.rebuildImage(out, tmp.resolve("www-oci-zstd.tar"), LayerCompression.ZSTD));
        }
    }

    /** The image with {@code compression}'s layers; skips, saying why, where it cannot be made. */
    private Path image(LayerCompression compression) {
        if (!images.containsKey(compression)) {
            System.out.println("SKIPPED: zstd is not installed (make deps installs it as root)");
        }
        assumeTrue(images.containsKey(compression), "zstd is not installed");
        return images.get(compression);
    }

    @ParameterizedTest
    @EnumSource(LayerCompression.class)
    void layersAreCompressedAsTheirMediaTypeSays(LayerCompression compression) throws Exception {
        Path image = image(compression);
        Path layout = tmp.resolve("media-" + compression);
        Files.createDirectories(layout);
        Commands.check(Map.of(), 120, "tar", "-xf", image.toString(), "-C", layout.toString());
        String index = Files.readString(layout.resolve("index.json"));
        Matcher first = Pattern.compile("sha256:([0-9a-f]{64})").matcher(index);
        assertTrue(first.find(), index);
        String manifest = Files.readString(layout.resolve("blobs/sha256/" + first.group(1)));
        Matcher layers = Pattern.compile(
                "\"digest\":\"sha256:([0-9a-f]{64})\",\"mediaType\":\"(application/vnd\\.oci\\.image\\.layer[^\"]*)\"")
                .matcher(manifest);
        int count = 0;
        while (layers.find()) {
            count++;
            assertEquals(compression.mediaType(), layers.group(2));
            byte[] magic = compression == LayerCompression.GZIP ? new byte[] {0x1f, (byte) 0x8b, 8}
                    : new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
            byte[] blob = Files.readAllBytes(layout.resolve("blobs/sha256/" + layers.group(1)));
            assertArrayEquals(magic, Arrays.copyOf(blob, magic.length), "magic of layer " + layers.group(1));
        }
        assertEquals(2, count, manifest);
    }

    /**
     * The zstd image's config lists the same diff_ids as the gzip image's, which umoci checked,
     * and each zstd layer decompresses (with the zstd tool) to a tar of that digest.
     */
    @Test
    void zstdLayersUnpackToTheTarsUmociChecked() throws Exception {
        Path image = image(LayerCompression.ZSTD);
        List<String> gzipDiffIds = diffIds(images.get(LayerCompression.GZIP), tmp.resolve("diff-gzip"));
        Path layout = tmp.resolve("diff-zstd");
        List<String> zstdDiffIds = diffIds(image, layout);
        assertEquals(gzipDiffIds, zstdDiffIds);
        String manifest = manifestOf(layout);
        Matcher layers = Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\",\"mediaType\":\"application/vnd\\.oci\\.image\\.layer")
                .matcher(manifest);
        List<String> unpacked = new ArrayList<>();
        while (layers.find()) {
            Path tar = tmp.resolve("layer-" + layers.group(1) + ".tar");
            Commands.check(Map.of(), 120, "zstd", "-d", "-q", "-f", "-o", tar.toString(),
                    layout.resolve("blobs/sha256/" + layers.group(1)).toString());
            unpacked.add(Commands.check(Map.of(), 60, "sha256sum", tar.toString()).substring(0, 64));
        }
        assertEquals(zstdDiffIds, unpacked);
    }

    /** The image's diff_ids, in order, from its config (the archive is unpacked into {@code layout}). */
    private static List<String> diffIds(Path image, Path layout) throws Exception {
        Files.createDirectories(layout);
        Commands.check(Map.of(), 120, "tar", "-xf", image.toString(), "-C", layout.toString());
        Matcher config = Pattern.compile("\"config\":\\{\"digest\":\"sha256:([0-9a-f]{64})\"").matcher(manifestOf(layout));
        assertTrue(config.find());
        String json = Files.readString(layout.resolve("blobs/sha256/" + config.group(1)));
        Matcher ids = Pattern.compile("\"diff_ids\":\\[([^\\]]*)\\]").matcher(json);
        assertTrue(ids.find(), json);
        List<String> out = new ArrayList<>();
        Matcher id = Pattern.compile("sha256:([0-9a-f]{64})").matcher(ids.group(1));
        while (id.find()) {
            out.add(id.group(1));
        }
        assertEquals(2, out.size(), json);
        return out;
    }

    private static String manifestOf(Path layout) throws Exception {
        Matcher first = Pattern.compile("sha256:([0-9a-f]{64})").matcher(Files.readString(layout.resolve("index.json")));
        assertTrue(first.find());
        return Files.readString(layout.resolve("blobs/sha256/" + first.group(1)));
    }

    private static void assumeTool(String tool) {
        boolean present = Commands.available(tool);
        if (!present) {
            System.out.println("SKIPPED: " + tool + " is not installed (make deps installs it as root)");
        }
        assumeTrue(present, tool + " is not installed");
    }

    @ParameterizedTest
    @EnumSource(LayerCompression.class)
    void skopeoAcceptsTheBlobDigests(LayerCompression compression) throws Exception {
        Path image = image(compression);
        assumeTool("skopeo");
        Path dir = tmp.resolve("skopeo-" + compression);
        Commands.check(Map.of(), 120, "skopeo", "copy", "-q", "oci-archive:" + image, "dir:" + dir);
        assertTrue(Files.isRegularFile(dir.resolve("manifest.json")));
    }

    /**
     * umoci (0.4.7 here) refuses zstd layers ("blob is not correct mediatype"), so it checks the
     * gzip image; {@link #zstdLayersUnpackToTheTarsUmociChecked} ties the zstd image to it.
     */
    @Test
    void umociAcceptsTheDiffIdsAndUnpacksOurFiles() throws Exception {
        LayerCompression compression = LayerCompression.GZIP;
        Path image = image(compression);
        assumeTool("umoci");
        Path layout = tmp.resolve("layout-" + compression);
        Files.createDirectories(layout);
        Commands.check(Map.of(), 120, "tar", "-xf", image.toString(), "-C", layout.toString());
        Path bundle = tmp.resolve("bundle-" + compression);
        Commands.check(Map.of(), 300, "umoci", "unpack", "--image", layout + ":latest", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        assertTrue(Files.isExecutable(rootfs.resolve("opt/morgana/runtime/bin/java")));
        assertTrue(Files.isRegularFile(rootfs.resolve("lib64/ld-linux-x86-64.so.2")), "the loader is in the image");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("www/lib/www-app.jar")),
                Files.readAllBytes(rootfs.resolve("opt/morgana/app/lib/www-app.jar")));
    }

    @ParameterizedTest
    @EnumSource(LayerCompression.class)
    void podmanRunsTheImageAndItServesEveryFile(LayerCompression compression) throws Exception {
        Path image = image(compression);
        assumeTool("podman");
        assumeTool("runc");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.out.println("SKIPPED: running containers here needs root");
        }
        assumeTrue(root, "needs root");
        Path state = Files.createTempDirectory("morgana-podman"); // short path: podman limits socket path length
        long hardFiles = Long.parseLong(Commands.check(Map.of(), 10, "sh", "-c", "ulimit -Hn").strip());
        Path conf = state.resolve("containers.conf");
        Files.writeString(conf, """
                [containers]
                default_ulimits = ["nofile=%d:%d", "nproc=32768:32768"]
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                """.formatted(hardFiles, hardFiles));
        Map<String, String> env = Map.of("CONTAINERS_CONF", conf.toString());
        String[] podman = {"podman", "--root", state.resolve("root").toString(), "--runroot", state.resolve("run").toString()};
        String id = null;
        try {
            Commands.check(env, 300, concat(podman, "load", "-q", "-i", image.toString()));
            id = Commands.check(env, 120, concat(podman, "run", "-d", "--network", "host", "morgana/www:latest")).strip();
            id = id.substring(id.lastIndexOf('\n') + 1);
            HttpClient client = HttpClient.newHttpClient();
            waitForPort(port);
            try (var files = Files.walk(Project.HTDOCS)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String path = "/" + Project.HTDOCS.relativize(file);
                    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, r.statusCode(), path);
                    assertArrayEquals(Files.readAllBytes(file), r.body(), path);
                }
            }
            String user = Commands.check(env, 60, concat(podman, "inspect", "--format", "{{.Config.User}}", "morgana/www:latest")).strip();
            assertEquals("65534:65534", user, "runs as an unprivileged user");
        } finally {
            if (id != null) {
                Commands.run(env, 120, java.util.List.of(concat(podman, "rm", "-f", "-t", "0", id)));
            }
            Commands.run(env, 120, java.util.List.of(concat(podman, "rmi", "-f", "morgana/www:latest")));
            Commands.run(Map.of(), 60, java.util.List.of("rm", "-rf", state.toString()));
        }
    }

    private static void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the container did not listen on " + port);
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
