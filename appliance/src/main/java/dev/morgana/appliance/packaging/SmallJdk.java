package dev.morgana.appliance.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Morgana's small JDK ({@code JVM=small}): HotSpot built from a Debian OpenJDK source package
 * with only what an appliance runs (the C1 compiler, the serial collector and the class data
 * sharing behind the AOT cache), and the jmods of java.base, jdk.unsupported and the modules TLS reaches to link
 * appliance runtimes from. The server VM of a stock JDK also carries C2, four more collectors,
 * JFR, JVMCI, JVMTI and management.
 *
 * <p>The build ({@code jdk/build-small-jdk.sh}, a resource beside this class) takes 20 to 60
 * minutes on 2 cores, so its result is cached under {@code CACHE/VARIANT-HASH}, HASH naming the
 * script and the variant: a changed script builds again, an unchanged one never. The source
 * tarball is kept in {@code CACHE/source}. {@code make small-jvm} builds it ahead of time.
 *
 * @param home the built JDK: {@code jmods/} and {@code linker/} (a runtime with its jlink)
 * @param variant the HotSpot feature set, {@code minimal} or {@code c2}
 */
public record SmallJdk(Path home, String variant) {

    static final String SCRIPT = "jdk/build-small-jdk.sh";
    /** The cache folder when {@code MORGANA_SMALL_JDK_CACHE} does not name one. */
    public static final String DEFAULT_CACHE = "build/small-jdk";
    private static final long BUILD_SECONDS = 120 * 60;

    /** The modules to link appliance runtimes from, with the built jlink. */
    public JavaModules modules() {
        return new JavaModules("small-" + home.getFileName(), home.resolve("linker/bin/jlink"), home.resolve("jmods"));
    }

    /**
     * Returns the cached small JDK, building it first if the cache lacks it.
     *
     * @param cacheDir the small JDK cache folder (build/small-jdk)
     * @param variant {@code minimal} or {@code c2}
     */
    public static SmallJdk fetch(Path cacheDir, String variant, Consumer<String> progress) throws IOException {
        Path cache = cacheDir.toAbsolutePath();
        byte[] script = resource(SCRIPT);
        Path home = cache.resolve(variant + "-" + cacheKey(script, variant));
        if (!Files.isRegularFile(home.resolve("jmods/java.base.jmod"))) {
            progress.accept("jvm: building the small JDK (" + variant + ") into " + home + " (20 to 60 minutes, once)");
            Files.createDirectories(cache);
            Path scriptFile = cache.resolve(home.getFileName() + ".sh");
            Files.write(scriptFile, script);
            Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwxr-xr-x"));
            run(progress, Map.of("BOOT_JDK", System.getProperty("java.home")), "sh", scriptFile.toString(),
                    home.toString(), variant, cache.resolve("source").toString());
            Files.delete(scriptFile);
        }
        return new SmallJdk(home, variant);
    }

    /** {@code make small-jvm}: builds the small JDK into the cache folder {@code args[0]} if it lacks it. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SmallJdk CACHE_DIR VARIANT (build/small-jdk minimal)");
            System.exit(2);
        }
        SmallJdk jdk = fetch(Path.of(args[0]), args[1], System.out::println);
        System.out.println("small JDK (" + jdk.variant() + "): " + jdk.home() + "; "
                + Files.readString(jdk.home().resolve("version"), StandardCharsets.UTF_8).lines()
                        .reduce((a, b) -> b).orElse(""));
    }

    /** 16 hex digits of SHA-256 over the build script and the variant: what the JDK is built from. */
    static String cacheKey(byte[] script, String variant) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(script);
            sha.update((byte) 0);
            sha.update(variant.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** A resource beside this class: the build script. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = SmallJdk.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the appliance jar lacks " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Runs the build script, passing each line it prints to {@code progress}; fails on a non-zero status. */
    private static void run(Consumer<String> progress, Map<String, String> env, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        StringBuilder tail = new StringBuilder();
        // read on its own thread, so a build that hangs with its output open still times out
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    progress.accept(line);
                    synchronized (tail) {
                        tail.append(line).append('\n');
                        if (tail.length() > 8192) { // keep the end only: that is where a failure is told
                            tail.delete(0, tail.length() - 8192);
                        }
                    }
                }
            } catch (IOException closed) {
                // the process ended or was killed: its status tells what happened
            }
        });
        try {
            if (!process.waitFor(BUILD_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("the small JDK build did not finish within " + BUILD_SECONDS + " s");
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the small JDK", e);
        }
        if (process.exitValue() != 0) {
            synchronized (tail) {
                throw new IOException("the small JDK build failed (status " + process.exitValue() + "):\n" + tail);
            }
        }
    }
}
