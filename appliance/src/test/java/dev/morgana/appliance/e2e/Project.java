package dev.morgana.appliance.e2e;

import dev.morgana.appliance.build.ApplianceBuilder;
import dev.morgana.appliance.codegen.Configure;
import dev.morgana.appliance.codegen.Manifest;
import dev.morgana.appliance.packaging.DockerPackager;
import dev.morgana.appliance.packaging.LayerCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Configures and builds appliances of this project into a test's folder, as make does. */
final class Project {

    /** The project root (tests run in appliance/). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The example site as `mvn package` assembles it. */
    static final Path HTDOCS = ROOT.resolve("htdocs-example/target/htdocs");

    private Project() {}

    /** {@code make configure APP=app KEYS...} then {@code make build}, into {@code out}; returns the launcher. */
    static Path configureAndBuild(String app, Path out, Map<String, String> keys) throws IOException {
        Configure.run(ROOT, app, out, keys, name -> null);
        return ApplianceBuilder.build(ROOT, out, ApplianceBuilder.DEFAULT_EPOCH, line -> {}).launcher();
    }

    /**
     * Writes the image of an appliance built into {@code out} once more, as make build
     * TARGET=docker does but with {@code compression}'s layers, to {@code archive}.
     */
    static Path rebuildImage(Path out, Path archive, LayerCompression compression) throws IOException {
        Manifest manifest = Manifest.read(out);
        String launcher = Files.readString(out.resolve("bin").resolve(manifest.name()));
        Matcher cp = Pattern.compile("-cp \"([^\"]+)\" Main").matcher(launcher);
        if (!cp.find()) {
            throw new IOException("no class path in the launcher of " + out);
        }
        List<Path> classPath = Arrays.stream(cp.group(1).split(":")).map(out::resolve).toList();
        DockerPackager.write(out, manifest.name(), classPath, ApplianceBuilder.JVM_OPTIONS, manifest.keys(),
                Map.of("org.opencontainers.image.title", manifest.name()), ApplianceBuilder.DEFAULT_EPOCH, archive,
                compression);
        return archive;
    }
}
