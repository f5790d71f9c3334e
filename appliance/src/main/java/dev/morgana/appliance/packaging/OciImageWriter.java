package dev.morgana.appliance.packaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a container image as one tar that both {@code podman load} and {@code docker load}
 * accept, without a daemon or a base image: an OCI image layout (oci-layout, index.json,
 * blobs/sha256/...) plus Docker's manifest.json pointing at the same blobs. Layers are tars from
 * {@link TarBuilder}, gzipped or zstd-compressed ({@link LayerCompression}), so two builds of the
 * same content are byte-identical.
 */
public final class OciImageWriter {

    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

    /**
     * What goes into the image's config.
     *
     * @param reference the name:tag the image loads as ("morgana/www:latest")
     * @param entrypoint the process to run
     * @param environment variables, in order ("PORT=8080")
     * @param exposedPorts ports such as "8080/tcp"
     * @param user the user to run as ("65534:65534")
     * @param labels OCI annotations and labels (source revision, version)
     * @param created the time recorded in the config (the build epoch, never the clock)
     */
    public record ImageConfig(String reference, List<String> entrypoint, List<String> environment,
                              List<String> exposedPorts, String user, Map<String, String> labels, Instant created) {}

    /** A layer: its uncompressed tar, from which the diff_id and the gzipped blob come. */
    public record Layer(String comment, byte[] tar) {}

    private OciImageWriter() {}

    /** Writes the image archive with gzipped layers to {@code archive}; returns the manifest's digest. */
    public static String write(Path archive, ImageConfig config, List<Layer> layers) throws IOException {
        return write(archive, config, layers, LayerCompression.GZIP);
    }

    /** Writes the image archive to {@code archive}, layers compressed as asked; returns the manifest's digest. */
    public static String write(Path archive, ImageConfig config, List<Layer> layers, LayerCompression compression)
            throws IOException {
        Map<String, byte[]> blobs = new TreeMap<>();
        List<Object> layerDescriptors = new ArrayList<>();
        List<Object> diffIds = new ArrayList<>();
        List<Object> history = new ArrayList<>();
        List<String> layerPaths = new ArrayList<>();
        for (Layer layer : layers) {
            byte[] blob = compression.compress(layer.tar());
            String digest = sha256(blob);
            blobs.put(digest, blob);
            layerDescriptors.add(descriptor(compression.mediaType(), digest, blob.length));
            diffIds.add("sha256:" + sha256(layer.tar()));
            history.add(Map.of("created", config.created().toString(), "created_by", layer.comment()));
            layerPaths.add("blobs/sha256/" + digest);
        }

        Map<String, Object> ports = new TreeMap<>();
        config.exposedPorts().forEach(p -> ports.put(p, Map.of()));
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("Entrypoint", config.entrypoint());
        runtime.put("Env", config.environment());
        runtime.put("ExposedPorts", ports);
        runtime.put("User", config.user());
        runtime.put("Labels", config.labels());
        runtime.put("WorkingDir", "/");
        Map<String, Object> imageConfig = new LinkedHashMap<>();
        imageConfig.put("architecture", "amd64");
        imageConfig.put("os", "linux");
        imageConfig.put("created", config.created().toString());
        imageConfig.put("config", runtime);
        imageConfig.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        imageConfig.put("history", history);
        byte[] configBytes = Json.write(imageConfig).getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(configBytes);
        blobs.put(configDigest, configBytes);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", descriptor(CONFIG_TYPE, configDigest, configBytes.length));
        manifest.put("layers", layerDescriptors);
        manifest.put("annotations", config.labels());
        byte[] manifestBytes = Json.write(manifest).getBytes(StandardCharsets.UTF_8);
        String manifestDigest = sha256(manifestBytes);
        blobs.put(manifestDigest, manifestBytes);

        Map<String, Object> manifestDescriptor = new LinkedHashMap<>(descriptor(MANIFEST_TYPE, manifestDigest, manifestBytes.length));
        manifestDescriptor.put("annotations", Map.of(
                "org.opencontainers.image.ref.name", tagOf(config.reference()),
                "io.containerd.image.name", config.reference()));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.put("manifests", List.of(manifestDescriptor));

        List<Object> dockerManifest = List.of(Map.of(
                "Config", "blobs/sha256/" + configDigest,
                "RepoTags", List.of(config.reference()),
                "Layers", layerPaths));

        TarBuilder archiveTar = new TarBuilder(config.created(), 0);
        archiveTar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), 0644);
        archiveTar.file("index.json", Json.write(index).getBytes(StandardCharsets.UTF_8), 0644);
        archiveTar.file("manifest.json", Json.write(dockerManifest).getBytes(StandardCharsets.UTF_8), 0644);
        for (var blob : blobs.entrySet()) {
            archiveTar.file("blobs/sha256/" + blob.getKey(), blob.getValue(), 0644);
        }
        Files.createDirectories(archive.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(archive)) {
            archiveTar.writeTar(out);
        }
        return "sha256:" + manifestDigest;
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", "sha256:" + digest);
        d.put("size", size);
        return d;
    }

    private static String tagOf(String reference) {
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
