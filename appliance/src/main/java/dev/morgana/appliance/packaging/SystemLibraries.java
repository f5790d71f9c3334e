package dev.morgana.appliance.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the host libraries (glibc and its loader) a linked runtime's native code needs, by
 * asking ldd about every executable and shared object in it, so an image built from scratch
 * carries exactly those and nothing else.
 */
public final class SystemLibraries {

    private static final Pattern RESOLVED = Pattern.compile("=>\\s+(/\\S+)\\s+\\(0x");
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x");

    private SystemLibraries() {}

    /**
     * Variables that make the loader (and so ldd) add or swap libraries the runtime does not
     * need: faketime's LD_PRELOAD put libfaketime.so into the image built by make repro's second
     * build, which is why the OCI archive differed between the two.
     */
    private static final List<String> LOADER_VARIABLES = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT");

    /** Absolute paths (as the loader looks them up) of the libraries outside {@code runtime}. */
    public static SortedSet<String> neededBy(Path runtime) throws IOException {
        return neededBy(runtime, System.getenv());
    }

    /**
     * As {@link #neededBy(Path)}, with ldd run in {@code environment} minus the loader's
     * variables, so what the build machine preloads never ends up in an image.
     */
    static SortedSet<String> neededBy(Path runtime, Map<String, String> environment) throws IOException {
        List<Path> objects = new ArrayList<>();
        try (var files = Files.walk(runtime)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".so") || p.getParent().getFileName().toString().equals("bin"))
                    .sorted()
                    .forEach(objects::add);
        }
        SortedSet<String> needed = new TreeSet<>();
        for (Path object : objects) {
            for (String line : ldd(object, environment)) {
                Matcher resolved = RESOLVED.matcher(line);
                Matcher loader = LOADER.matcher(line);
                String path = resolved.find() ? resolved.group(1) : loader.find() ? loader.group(1) : null;
                if (path != null && !Path.of(path).startsWith(runtime.toAbsolutePath())) {
                    needed.add(path);
                }
            }
        }
        if (needed.isEmpty()) {
            throw new IOException("ldd found no system libraries for " + runtime + ": is ldd (libc-bin) installed?");
        }
        return needed;
    }

    private static List<String> ldd(Path object, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("ldd", object.toString()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        LOADER_VARIABLES.forEach(builder.environment()::remove);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("ldd " + object + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running ldd", e);
        }
        return out.lines().toList();
    }
}
