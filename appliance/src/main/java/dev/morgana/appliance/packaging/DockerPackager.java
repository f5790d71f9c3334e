package dev.morgana.appliance.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The docker target: an image with no base, two layers: the jlinked runtime with the host
 * libraries it needs, then the appliance's jars and data. Runs as an unprivileged user.
 */
public final class DockerPackager {

    /** Where the appliance lives inside the image. */
    public static final String APP = "opt/morgana/app";
    /** Where the runtime lives inside the image. */
    public static final String RUNTIME = "opt/morgana/runtime";
    /** nobody:nogroup. */
    public static final int USER = 65534;

    private DockerPackager() {}

    /**
     * @param out the built appliance folder (bin/, lib/, data/, runtime/)
     * @param name the appliance's name
     * @param classPath the jars under out/lib, in class-path order
     * @param jvmOptions options for the JVM
     * @param keys the configured keys, exported as environment variables
     * @param labels OCI labels (revision, version)
     * @param epoch the time stamped on every file
     * @param archive where the image archive goes
     */
    public static String write(Path out, String name, List<Path> classPath, List<String> jvmOptions,
                               Map<String, String> keys, Map<String, String> labels, Instant epoch, Path archive)
            throws IOException {
        return write(out, name, classPath, jvmOptions, keys, labels, epoch, archive, LayerCompression.GZIP);
    }

    /** As the other {@code write}, with the layers compressed as {@code compression} says. */
    public static String write(Path out, String name, List<Path> classPath, List<String> jvmOptions,
                               Map<String, String> keys, Map<String, String> labels, Instant epoch, Path archive,
                               LayerCompression compression) throws IOException {
        TarBuilder runtimeLayer = new TarBuilder(epoch, 0);
        runtimeLayer.tree(RUNTIME, out.resolve("runtime"));
        for (String library : SystemLibraries.neededBy(out.resolve("runtime"))) {
            // The real file at the path the loader asks for (Debian's /lib64 and /lib are links).
            runtimeLayer.file(library.substring(1), Path.of(library).toRealPath(), 0755);
        }
        runtimeLayer.directory("tmp", 01777);

        TarBuilder appLayer = new TarBuilder(epoch, 0);
        appLayer.tree(APP + "/lib", out.resolve("lib"));
        if (Files.isDirectory(out.resolve("data"))) {
            appLayer.tree(APP + "/data", out.resolve("data"));
        }

        List<String> entrypoint = new ArrayList<>();
        entrypoint.add("/" + RUNTIME + "/bin/java");
        entrypoint.addAll(jvmOptions);
        entrypoint.add("-Dmorgana.home=/" + APP);
        entrypoint.add("-cp");
        entrypoint.add(String.join(":", classPath.stream().map(p -> "/" + APP + "/lib/" + p.getFileName()).toList()));
        entrypoint.add("Main");

        SortedMap<String, String> env = new TreeMap<>(keys);
        List<String> environment = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<String> ports = keys.containsKey("PORT") ? List.of(keys.get("PORT") + "/tcp") : List.of();

        OciImageWriter.ImageConfig config = new OciImageWriter.ImageConfig("morgana/" + name + ":latest", entrypoint,
                environment, ports, USER + ":" + USER, labels, epoch);
        return OciImageWriter.write(archive, config, List.of(
                new OciImageWriter.Layer("morgana: jlinked runtime and the host libraries it needs", runtimeLayer.tarBytes()),
                new OciImageWriter.Layer("morgana: appliance " + name, appLayer.tarBytes())), compression);
    }
}
