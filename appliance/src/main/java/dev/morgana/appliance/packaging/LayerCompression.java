package dev.morgana.appliance.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How an image's layers are compressed, with the OCI media type that says so.
 *
 * <p>{@link #GZIP} is what every Docker and podman loads. {@link #ZSTD} makes the default
 * appliance's image about a fifth smaller (libjvm.so: 8.5 MB gzip -9, 6.6 MB zstd -19), and
 * podman, skopeo and umoci here load it, but Docker Engine only decompresses zstd layers since
 * release 23 (moby/moby#41759), so it is chosen with {@code MORGANA_LAYERS=zstd}. It is written
 * by the zstd program (Debian package zstd: Java has no zstd encoder, and the pure-Java ones on
 * Maven Central reach only the fast levels), single-threaded at a fixed level, so the same input
 * gives the same bytes with the same zstd release. Level 22 with the layer's size announced
 * ({@code --stream-size}) lets matches reach across the whole layer (window up to the layer's
 * size) instead of level 19's 8 MiB: java.base's 26 MB module image repeats itself at longer
 * distances (the www image's runtime layer: 134 KB smaller). A window up to 128 MiB is what
 * libzstd decodes by default; a layer larger than that keeps level 22's 128 MiB window.
 */
public enum LayerCompression {

    /** gzip -9 with a fixed header (Commons Compress). */
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),

    /** zstd --ultra -22 with the layer's size announced, one thread, through the zstd program. */
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

    /** The environment variable that picks the compression at build time. */
    public static final String VARIABLE = "MORGANA_LAYERS";

    private static final List<String> ZSTD_COMMAND = List.of("zstd", "--ultra", "-22", "--single-thread", "-q", "-c");
    private static final long ZSTD_SECONDS = 600;

    private final String mediaType;

    LayerCompression(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The layer media type for an OCI manifest. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * The compression {@code value} names ("gzip" or "zstd", as in {@code MORGANA_LAYERS}); null
     * or empty means gzip.
     *
     * @throws IllegalArgumentException for any other value, naming the accepted ones
     */
    public static LayerCompression named(String value) {
        if (value == null || value.isEmpty() || value.equals("gzip")) {
            return GZIP;
        }
        if (value.equals("zstd")) {
            return ZSTD;
        }
        throw new IllegalArgumentException("bad value '" + value + "' for " + VARIABLE + ": accepted values are gzip, zstd");
    }

    /** Compresses a layer's tar. */
    public byte[] compress(byte[] tar) throws IOException {
        return switch (this) {
            case GZIP -> TarBuilder.gzip(tar);
            case ZSTD -> zstd(tar);
        };
    }

    private static byte[] zstd(byte[] data) throws IOException {
        Process process;
        try {
            List<String> command = new ArrayList<>(ZSTD_COMMAND);
            command.addAll(List.of("--stream-size=" + data.length, "-"));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException missing) {
            throw new IOException(VARIABLE + "=zstd needs the zstd program (Debian package zstd): " + missing.getMessage(), missing);
        }
        // Feed stdin from another thread: zstd writes while it reads, and both pipes are bounded.
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(data);
            } catch (IOException ignored) {
                // zstd died; its exit status below says so
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2);
        try (InputStream compressed = process.getInputStream()) {
            compressed.transferTo(out);
        }
        try {
            if (!process.waitFor(ZSTD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("zstd did not finish in " + ZSTD_SECONDS + " s");
            }
            feeder.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running zstd", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("zstd failed (status " + process.exitValue() + ")");
        }
        return out.toByteArray();
    }
}
