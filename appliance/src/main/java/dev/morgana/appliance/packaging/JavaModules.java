package dev.morgana.appliance.packaging;

import java.nio.file.Path;

/**
 * Where an appliance's runtime is linked from: a jlink and the JDK modules it links.
 *
 * @param name names the JDK in runtime cache keys and progress lines; two sources with the same
 *     name must give the same runtimes
 * @param jlink the jlink to run; it links the java.base of its own version only
 * @param modulePath the folder of jmods to link, or null for the jlink's own JDK (its jmods or,
 *     without them, its run-time image, JEP 493)
 */
public record JavaModules(String name, Path jlink, Path modulePath) {

    /** The modules of the JDK running this build: the default, what CI tests. */
    public static JavaModules ofBuildJdk() {
        return new JavaModules(Runtime.version().toString(),
                Path.of(System.getProperty("java.home"), "bin", "jlink"), null);
    }
}
