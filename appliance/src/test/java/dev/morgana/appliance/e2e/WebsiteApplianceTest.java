package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.kv.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default appliance (unix, FS=crunch, NET=socket) configured, built and started as a
 * separate process, then every file of htdocs-example fetched and compared byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class WebsiteApplianceTest {

    @TempDir
    static Path out;

    private RunningAppliance appliance;
    private int port;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void buildAndStart() throws Exception {
        assertTrue(Files.isDirectory(Project.HTDOCS), "htdocs-example is assembled by mvn package: " + Project.HTDOCS);
        port = RunningAppliance.freePort();
        Path launcher = Project.configureAndBuild("www", out, Map.of("PORT", Integer.toString(port)));
        appliance = RunningAppliance.start(launcher, port, Duration.ofSeconds(120));
    }

    @AfterAll
    void stop() throws Exception {
        if (appliance != null) {
            appliance.stop();
        }
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The URL path of a site file, each segment percent-encoded. */
    private static String urlPath(Path file) {
        String relative = Project.HTDOCS.relativize(file).toString();
        return "/" + Arrays.stream(relative.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    private List<Path> siteFiles() throws IOException {
        try (var files = Files.walk(Project.HTDOCS)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void servesEveryFileByteExactWithItsContentType() throws Exception {
        List<Path> files = siteFiles();
        assertTrue(files.size() >= 10, "the example site has its pages, styles and images: " + files);
        for (Path file : files) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri(urlPath(file))));
            assertEquals(200, response.statusCode(), urlPath(file));
            assertArrayEquals(Files.readAllBytes(file), response.body(), urlPath(file));
            assertEquals(MediaTypes.forName(file.getFileName().toString()),
                    response.headers().firstValue("content-type").orElse(null), urlPath(file));
            assertTrue(response.headers().firstValue("etag").isPresent(), urlPath(file));
        }
        assertTrue(files.stream().anyMatch(f -> {
            try {
                return Files.size(f) > 2_000_000;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }), "the generated multi-MB file is part of the site");
    }

    @Test
    void rootServesTheIndexPage() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/")));
        assertEquals(200, response.statusCode());
        assertArrayEquals(Files.readAllBytes(Project.HTDOCS.resolve("index.html")), response.body());
    }

    @Test
    void missingFileGetsTheSitesOwn404Page() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/no/such/page.html")));
        assertEquals(404, response.statusCode());
        assertArrayEquals(Files.readAllBytes(Project.HTDOCS.resolve("404.html")), response.body());
    }

    @Test
    void matchingIfNoneMatchGets304WithNoBody() throws Exception {
        HttpResponse<byte[]> first = send(HttpRequest.newBuilder(uri("/index.html")));
        String etag = first.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> second = send(HttpRequest.newBuilder(uri("/index.html")).header("If-None-Match", etag));
        assertEquals(304, second.statusCode());
        assertEquals(0, second.body().length);
        assertEquals(etag, second.headers().firstValue("etag").orElse(null));
    }

    @Test
    void headGivesGetsHeadersWithoutTheBody() throws Exception {
        Path file = Project.HTDOCS.resolve("css/site.css");
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(uri("/css/site.css")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(Long.toString(Files.size(file)), head.headers().firstValue("content-length").orElse(null));
        HttpResponse<byte[]> get = send(HttpRequest.newBuilder(uri("/css/site.css")));
        assertEquals(get.headers().firstValue("etag"), head.headers().firstValue("etag"));
    }

    @Test
    void directoryWithoutSlashRedirectsToItsSlashForm() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/docs")));
        assertEquals(301, response.statusCode());
        assertEquals("/docs/", response.headers().firstValue("location").orElse(null));
    }

    @Test
    void logsOnItsConsole() {
        assertFalse(appliance.output().isBlank(), "the appliance says it started");
    }
}
