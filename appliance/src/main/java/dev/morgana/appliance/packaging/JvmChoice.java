package dev.morgana.appliance.packaging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which JVM an appliance's runtime is linked from, by the {@code JVM} key: {@code small} is
 * Morgana's small JDK ({@link SmallJdk}, variant minimal: C1 only), {@code small-c2} the same with
 * C2 kept; {@code jdk} (or empty, the default) is the JDK running the build. An empty key takes
 * the environment's {@code MORGANA_JVM}, so a whole test run can switch.
 */
public final class JvmChoice {

    /** The accepted values of the key and of MORGANA_JVM; empty means the default, jdk. */
    public static final List<String> VALUES = List.of("jdk", "small", "small-c2");

    private JvmChoice() {}

    /**
     * The JVM chosen: the {@code JVM} key if set and not empty, else {@code env}'s
     * {@code MORGANA_JVM}, else {@code jdk}.
     *
     * @throws IllegalArgumentException if the value chosen is not one of {@link #VALUES}
     */
    public static String of(Map<String, String> keys, Map<String, String> env) {
        String key = keys.getOrDefault("JVM", "");
        String choice = !key.isEmpty() ? key : env.getOrDefault("MORGANA_JVM", "");
        if (choice.isEmpty()) {
            return "jdk";
        }
        if (!VALUES.contains(choice)) {
            throw new IllegalArgumentException("JVM=" + choice + ": accepted values are " + String.join(", ", VALUES)
                    + " (empty: MORGANA_JVM, else jdk)");
        }
        return choice;
    }

    /** The small JDK's HotSpot variant for a choice, or null for the build JDK. */
    static String variant(String choice) {
        return switch (choice) {
            case "small" -> "minimal";
            case "small-c2" -> "c2";
            default -> null;
        };
    }

    /**
     * The modules to link from for {@code choice}, building the small JDK first if the cache
     * lacks it.
     *
     * @param root the project root: the small JDK cache is {@code build/small-jdk} under it,
     *     unless {@code MORGANA_SMALL_JDK_CACHE} names another folder
     */
    public static JavaModules modules(String choice, Path root, Consumer<String> progress) throws IOException {
        String variant = variant(choice);
        if (variant == null) {
            return JavaModules.ofBuildJdk();
        }
        String override = System.getenv("MORGANA_SMALL_JDK_CACHE");
        Path cache = override != null && !override.isEmpty() ? Path.of(override) : root.resolve(SmallJdk.DEFAULT_CACHE);
        return SmallJdk.fetch(cache, variant, progress).modules();
    }
}
