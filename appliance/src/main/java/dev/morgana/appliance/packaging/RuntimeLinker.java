package dev.morgana.appliance.packaging;

import dev.morgana.appliance.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.spi.ToolProvider;

/**
 * Builds a Java runtime holding only the JDK modules an appliance's jars use: jdeps finds
 * them from the jars themselves (no hand-kept list), jlink links them. Runtimes are cached by
 * module set, since many appliances share one and jlink takes seconds.
 */
public final class RuntimeLinker {


    private final Path cache;
    private final Consumer<String> progress;

    /**
     * @param cache where linked runtimes are kept between builds (build/runtimes)
     * @param progress receives one line per step
     */
    public RuntimeLinker(Path cache, Consumer<String> progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** The JDK modules {@code jars} need, found by jdeps, sorted. */
    public SortedSet<String> modulesFor(List<Path> jars) throws IOException {
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps", "-q",
                "--multi-release", Integer.toString(Runtime.version().feature()), "--class-path",
                String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList())));
        jars.forEach(j -> args.add(j.toString()));
        String out = runTool("jdeps", args);
        SortedSet<String> modules = new TreeSet<>();
        for (String module : out.strip().split(",")) {
            if (!module.isBlank()) {
                modules.add(module.strip());
            }
        }
        if (modules.isEmpty()) {
            modules.add("java.base");
        }
        return modules;
    }

    /**
     * Returns a runtime with exactly {@code modules}, linking it into the cache if needed. The
     * returned directory must not be modified: copy it.
     */
    public Path link(SortedSet<String> modules) throws IOException {
        String key = digest(String.join(",", modules) + "|" + Runtime.version());
        Path runtime = cache.resolve(key);
        if (Files.isExecutable(runtime.resolve("bin/java"))) {
            progress.accept("runtime: cached " + String.join(",", modules));
            return runtime;
        }
        Files.createDirectories(cache);
        Path partial = cache.resolve(key + ".partial");
        FileTrees.delete(partial);
        progress.accept("runtime: jlink " + String.join(",", modules) + " (takes a few seconds)");
        runJlink(List.of("--add-modules", String.join(",", modules),
                "--strip-debug", "--no-header-files", "--no-man-pages",
                "--output", partial.toString()));
        Files.move(partial, runtime);
        return runtime;
    }

    /**
     * Runs the JDK's jlink as its own process with a fixed environment: run inside this JVM,
     * its output was seen to change with the TZ variable (found by make repro).
     */
    private static void runJlink(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jlink").toString());
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

    private static String runTool(String name, List<String> args) throws IOException {
        ToolProvider tool = ToolProvider.findFirst(name)
                .orElseThrow(() -> new IOException(name + " is not available: build with a full JDK 25"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = tool.run(o, e, args.toArray(String[]::new));
        }
        if (status != 0) {
            throw new IOException(name + " failed (status " + status + "): " + err.toString(StandardCharsets.UTF_8).strip()
                    + " " + out.toString(StandardCharsets.UTF_8).strip());
        }
        return out.toString(StandardCharsets.UTF_8);
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
