package dev.morgana.appliance.packaging;

import dev.morgana.appliance.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Consumer;

/**
 * Builds a Java runtime holding only the JDK modules an appliance uses (found by
 * {@code ClassReachability} from the classes its Main reaches, no hand-kept list): jlink links
 * them, without the files an appliance never runs, and the native code is stripped. Runtimes are cached by
 * module set and source JDK, since many appliances share one and jlink takes seconds. The modules
 * come from the JDK running the build, or from Morgana's small JDK ({@link JvmChoice}).
 */
public final class RuntimeLinker {


    /** Changes whenever the way runtimes are made changes, so cached ones are not reused. */
    private static final String RECIPE = "strip-unneeded-2,no-trust-store-3";

    /**
     * Files jlink copies that an appliance never runs: other tools' launchers, the exec helper,
     * the jrt file system for other JDKs, and the signal-chaining library (only for LD_PRELOAD).
     * Also files only a TLS client or a sorting intrinsic reads, about 0.3 MB of the image:
     * lib/security/cacerts (the default trust store: only a trust manager or a certificate path
     * validation reads it, and an appliance's TLS server validates no peer) and
     * public_suffix_list.dat (read only to check a peer's host name against a wildcard
     * certificate), and libsimdsort.so (HotSpot's AVX sort stubs for Arrays.sort: without it the
     * JVM keeps the Java sort, as on a CPU without AVX2). The TLS, direct-stack, FAT, unix and
     * OCI appliance tests run on this runtime. lib/classlist stays: the VM image's CDS dump reads it.
     */
    private static final List<String> UNUSED_FILES = List.of("**/bin/keytool", "**/bin/jfr",
            "**/lib/jexec", "**/lib/jrt-fs.jar", "**/libjsig.so", "**/lib/libsimdsort.so",
            "**/lib/security/cacerts", "**/lib/security/public_suffix_list.dat");

    private final Path cache;
    private final JavaModules source;
    private final Consumer<String> progress;

    /**
     * Links from the JDK running the build.
     *
     * @param cache where linked runtimes are kept between builds (build/runtimes)
     * @param progress receives one line per step
     */
    public RuntimeLinker(Path cache, Consumer<String> progress) {
        this(cache, JavaModules.ofBuildJdk(), progress);
    }

    /**
     * @param cache where linked runtimes are kept between builds (build/runtimes)
     * @param source the jlink and the modules it links
     * @param progress receives one line per step
     */
    public RuntimeLinker(Path cache, JavaModules source, Consumer<String> progress) {
        this.cache = cache;
        this.source = source;
        this.progress = progress;
    }

    /**
     * Returns a runtime with exactly {@code modules}, linking it into the cache if needed. The
     * returned directory must not be modified: copy it.
     */
    public Path link(SortedSet<String> modules) throws IOException {
        String key = digest(String.join(",", modules) + "|" + source.name() + "|" + RECIPE);
        Path runtime = cache.resolve(key);
        if (Files.isExecutable(runtime.resolve("bin/java"))) {
            progress.accept("runtime: cached " + String.join(",", modules));
            return runtime;
        }
        if (source.modulePath() != null) {
            for (String module : modules) {
                if (!Files.isRegularFile(source.modulePath().resolve(module + ".jmod"))) {
                    throw new IOException("the appliance needs the JDK module " + module + ", which " + source.name()
                            + " does not hold (" + source.modulePath() + "): build it with JVM=jdk");
                }
            }
        }
        Files.createDirectories(cache);
        Path partial = cache.resolve(key + ".partial");
        FileTrees.delete(partial);
        progress.accept("runtime: jlink " + String.join(",", modules) + " from " + source.name() + " (takes a few seconds)");
        List<String> args = new ArrayList<>();
        if (source.modulePath() != null) {
            args.addAll(List.of("--module-path", source.modulePath().toString()));
        }
        args.addAll(List.of("--add-modules", String.join(",", modules),
                "--strip-debug", "--no-header-files", "--no-man-pages",
                "--exclude-files=" + String.join(",", UNUSED_FILES),
                "--output", partial.toString()));
        runJlink(source.jlink(), args);
        stripNativeCode(partial);
        Files.move(partial, runtime);
        return runtime;
    }

    /**
     * Removes the symbol tables a running JVM does not read from the runtime's shared objects
     * and launcher (libjvm.so alone goes from about 30 to 25 MB); the dynamic symbols stay.
     * {@code strip} writes the same bytes for the same input, so the runtime stays
     * reproducible. Without binutils the runtime is left as jlink made it.
     */
    private void stripNativeCode(Path runtime) throws IOException {
        List<String> command = new ArrayList<>(List.of("strip", "--strip-unneeded"));
        try (var files = Files.walk(runtime)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".so") || p.getParent().getFileName().toString().equals("bin"))
                    .sorted()
                    .forEach(p -> command.add(p.toString()));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException noStrip) {
            progress.accept("runtime: strip (binutils) is not installed; native code keeps its symbol tables");
            return;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("strip failed (status " + process.exitValue() + "): " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running strip", e);
        }
    }

    /**
     * Runs the JDK's jlink as its own process with a fixed environment: run inside this JVM,
     * its output was seen to change with the TZ variable (found by make repro).
     */
    private static void runJlink(Path jlink, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(jlink.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TZ", "UTC");
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("jlink failed (status " + process.exitValue() + "): " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jlink", e);
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(hash, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

}
