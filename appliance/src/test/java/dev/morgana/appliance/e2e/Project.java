package dev.morgana.appliance.e2e;

import dev.morgana.appliance.build.ApplianceBuilder;
import dev.morgana.appliance.codegen.Configure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

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
}
