package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TARGET=docker: the image archive passes the independent validators (skopeo checks blob
 * digests, umoci the diff_ids), loads into podman with runc, and serves every file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class OciImageTest {

    @TempDir
    static Path tmp;

    private Path image;
    private int port;

    @BeforeAll
    void build() throws Exception {
        port = RunningAppliance.freePort();
        Project.configureAndBuild("www", tmp.resolve("www"), Map.of("TARGET", "docker", "PORT", Integer.toString(port)));
        image = tmp.resolve("www-oci.tar");
        assertTrue(Files.isRegularFile(image), "make build TARGET=docker writes " + image);
    }

    private static void assumeTool(String tool) {
        boolean present = Commands.available(tool);
        if (!present) {
            System.out.println("SKIPPED: " + tool + " is not installed (make deps installs it as root)");
        }
        assumeTrue(present, tool + " is not installed");
    }

    @Test
    void skopeoAcceptsTheBlobDigests() throws Exception {
        assumeTool("skopeo");
        Commands.check(Map.of(), 120, "skopeo", "copy", "-q", "oci-archive:" + image, "dir:" + tmp.resolve("skopeo-dir"));
        assertTrue(Files.isRegularFile(tmp.resolve("skopeo-dir/manifest.json")));
    }

    @Test
    void umociAcceptsTheDiffIdsAndUnpacksOurFiles() throws Exception {
        assumeTool("umoci");
        Path layout = tmp.resolve("layout");
        Files.createDirectories(layout);
        Commands.check(Map.of(), 120, "tar", "-xf", image.toString(), "-C", layout.toString());
        Path bundle = tmp.resolve("bundle");
        Commands.check(Map.of(), 300, "umoci", "unpack", "--image", layout + ":latest", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        assertTrue(Files.isExecutable(rootfs.resolve("opt/morgana/runtime/bin/java")));
        assertTrue(Files.isRegularFile(rootfs.resolve("lib64/ld-linux-x86-64.so.2")), "the loader is in the image");
        assertArrayEquals(Files.readAllBytes(tmp.resolve("www/lib/www-app.jar")),
                Files.readAllBytes(rootfs.resolve("opt/morgana/app/lib/www-app.jar")));
    }

    @Test
    void podmanRunsTheImageAndItServesEveryFile() throws Exception {
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
