package dev.morgana.appliance.build;

import dev.morgana.appliance.FileTrees;
import dev.morgana.appliance.codegen.Manifest;
import dev.morgana.appliance.config.BuildStep;
import dev.morgana.appliance.packaging.AotTrainer;
import dev.morgana.appliance.packaging.JvmChoice;
import dev.morgana.appliance.packaging.DockerPackager;
import dev.morgana.appliance.packaging.LayerCompression;
import dev.morgana.appliance.packaging.RuntimeLinker;
import dev.morgana.appliance.packaging.SystemLibraries;
import dev.morgana.appliance.packaging.TarBuilder;
import dev.morgana.crunch.CrunchBuilder;
import dev.morgana.fat.FatImageBuilder;
import dev.morgana.fat.FatOptions;
import dev.morgana.xen.image.SquashfsRoot;
import dev.morgana.xen.image.XenPackager;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * {@code make build}: turns a configured appliance folder ({@code appliance.manifest} and
 * {@code src/Main.java}) into a runnable one: {@code lib/NAME-app.jar} holds the Main, its data
 * and the classes of exactly the modules and libraries it needs, merged into one jar;
 * {@code bin/NAME} launches it.
 */
public final class ApplianceBuilder {

    /** Used for Last-Modified when SOURCE_DATE_EPOCH is unset: never the build clock. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * JVM options every appliance runs with: a small heap manager, a hard stop on OOM, and the
     * FFM calls our devices make (TAP, block device sizes). Allowing sun.misc.Unsafe's memory
     * access lets Netty (whose constants the HTTP server uses) pick its Unsafe-based buffer
     * cleaner when its classes initialise; otherwise, with native access enabled, Netty 4.2
     * links malloc and free through FFM at start, which cost about 150 ms of start-up for a
     * feature the appliance never uses (measured with -Xlog:class+load, docs/benchmarks.md).
     * {@code jdk.pollerMode=1} gives virtual threads' blocking I/O platform poller threads: the
     * default virtual-thread pollers are named through a VarHandle when the first accept blocks,
     * which spins six method-handle classes (no AOT cache holds them) before the first request.
     * Naming the selector provider (Linux's, the JDK's default there) spares the first
     * {@code ServerSocketChannel.open} a service-loader search of the runtime image and the jar.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "-Djdk.pollerMode=1", "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider");

    private ApplianceBuilder() {}

    /** What was built. */
    public record Result(Path launcher, List<Path> classPath, SortedSet<String> jdkModules, Path tarball, Path image) {}

    /**
     * @param root the project root
     * @param out the configured appliance folder
     * @param epoch the time stamped on site files
     * @param progress receives one line per step
     */
    public static Result build(Path root, Path out, Instant epoch, Consumer<String> progress) throws IOException {
        return build(root, out, epoch, false, progress);
    }

    /**
     * Builds the appliance; with {@code train}, also runs it once to build its AOT cache, which
     * makes it start faster.
     */
    public static Result build(Path root, Path out, Instant epoch, boolean train, Consumer<String> progress)
            throws IOException {
        Manifest manifest = Manifest.read(out);
        String name = manifest.name();

        Linker linker = new Linker(root);
        SortedSet<String> modules = linker.closure(manifest.modules());
        progress.accept("link: modules " + String.join(", ", modules));
        Path lib = out.resolve("lib");
        FileTrees.delete(lib);
        Files.createDirectories(lib);
        List<Path> classPath = new ArrayList<>();
        for (Path jar : linker.jars(modules)) {
            Path copy = lib.resolve(jar.getFileName());
            Files.copy(jar, copy);
            classPath.add(copy);
        }

        // work/ holds intermediates; bin/, lib/, data/ and runtime/ are the artefact.
        Path work = out.resolve("work");
        FileTrees.delete(work);
        FileTrees.delete(out.resolve("data"));
        Files.createDirectories(work);
        Map<String, byte[]> appEntries = new TreeMap<>();
        for (BuildStep step : manifest.steps()) {
            switch (step) {
                case BuildStep.Crunch crunch -> {
                    Path store = work.resolve(Path.of(crunch.resource()).getFileName());
                    CrunchBuilder.build(siteDirectory(root, crunch.htdocs()), store, epoch, progress);
                    appEntries.put(crunch.resource(), Files.readAllBytes(store));
                }
                case BuildStep.TlsFiles tls -> {
                    Path dir = out.resolve("data").resolve("tls");
                    Files.createDirectories(dir);
                    Files.copy(root.resolve(tls.certificate()), dir.resolve("cert.pem"));
                    Files.copy(root.resolve(tls.key()), dir.resolve("key.pem"));
                    progress.accept("tls: shipping " + tls.certificate() + " and its key as data/tls/");
                }
                case BuildStep.FatImage fat -> {
                    Path image = out.resolve(fat.file());
                    Files.createDirectories(image.getParent());
                    FatImageBuilder.build(siteDirectory(root, fat.htdocs()), image,
                            FatOptions.defaults().withEpoch(epoch), progress);
                }
            }
        }

        Path classes = work.resolve("classes");
        compileMain(out.resolve("src").resolve("Main.java"), classes, classPath);
        appEntries.putAll(DeterministicJar.entriesOf(classes));
        Path appJar = lib.resolve(name + "-app.jar");
        Set<String> stored = appEntries.keySet().stream().filter(k -> k.endsWith(".crunch")).collect(Collectors.toSet());
        DeterministicJar.write(appJar, appEntries, stored);
        classPath.add(appJar);
        progress.accept("app: " + out.relativize(appJar) + " (" + Files.size(appJar) / 1024 + " KiB)");
        ClassReachability.Reach reach = ClassReachability.from("Main", classPath);
        classPath = dropUnreachedLibraries(classPath, reach, modules, progress);
        // One jar starts faster than several (each is opened and its directory read at start).
        // An OCI image's layers compress stored classes better; elsewhere deflated start quicker.
        String target = manifest.keys().getOrDefault("TARGET", "unix");
        ClassPathMerger.Classes jarClasses = target.equals("docker")
                ? ClassPathMerger.Classes.STORED : ClassPathMerger.Classes.DEFLATED;
        classPath = ClassPathMerger.merge(classPath, appJar, jarClasses);
        progress.accept("app: class path merged into " + out.relativize(appJar) + " (" + Files.size(appJar) / 1024 + " KiB)");

        String jvm = JvmChoice.of(manifest.keys(), System.getenv());
        RuntimeLinker runtimes = new RuntimeLinker(root.resolve("build").resolve("runtimes"),
                JvmChoice.modules(jvm, root, progress), progress);
        SortedSet<String> jdkModules = reach.jdkModules();
        progress.accept("link: JDK modules " + String.join(",", jdkModules) + " (those holding a class Main reaches)");
        Path runtime = out.resolve("runtime");
        FileTrees.delete(runtime);
        linkTree(runtimes.link(jdkModules), runtime);

        List<String> command = new ArrayList<>(JVM_OPTIONS);
        command.add("-Dmorgana.home=" + out.toAbsolutePath());
        command.add("-cp");
        command.add(classPath.stream().map(p -> out.relativize(p).toString()).collect(Collectors.joining(":")));
        command.add("Main");
        Path cache = out.resolve("cache");
        FileTrees.delete(cache);
        String untrainable = untrainable(manifest.keys());
        if (train && untrainable != null) {
            progress.accept("aot: no training run (" + untrainable + "); the appliance starts without an AOT cache");
        } else if (train) {
            String port = manifest.keys().get("PORT");
            String tlsPort = "on".equals(manifest.keys().get("TLS")) ? manifest.keys().get("TLS_PORT") : null;
            AotTrainer.train(out, name, command, port == null ? 0 : Integer.parseInt(port),
                    tlsPort == null ? 0 : Integer.parseInt(tlsPort), progress);
        }
        Path launcher = writeLauncher(out, name, classPath);
        Path tarball = out.resolveSibling(out.getFileName() + ".tar.gz");
        TarBuilder tar = new TarBuilder(epoch, 0);
        for (String part : List.of("bin", "data", "lib", "runtime")) {
            if (Files.isDirectory(out.resolve(part))) {
                tar.tree(name + "/" + part, out.resolve(part));
            }
        }
        Files.write(tarball, TarBuilder.gzip(tar.tarBytes()));
        progress.accept("built " + launcher + " and " + tarball + " (" + Files.size(tarball) / (1024 * 1024) + " MiB)");

        Path image = null;
        switch (target) {
            case "unix" -> { }
            case "docker" -> {
                image = out.resolveSibling(out.getFileName() + "-oci.tar");
                Map<String, String> labels = new TreeMap<>(Map.of(
                        "org.opencontainers.image.title", name,
                        "org.opencontainers.image.version", linker.projectVersion(),
                        "org.opencontainers.image.revision", sourceRevision(root)));
                LayerCompression layers = layerCompression();
                String digest = DockerPackager.write(out, name, classPath, JVM_OPTIONS, manifest.keys(), labels, epoch,
                        image, layers);
                progress.accept("built " + image + " (" + Files.size(image) / (1024 * 1024) + " MiB, "
                        + layers.name().toLowerCase(Locale.ROOT) + " layers, manifest " + digest
                        + "): docker load -i " + image + " or podman load -i " + image);
            }
            // The small JDK's image is the one meant for the smallest guests (96 MB), whose page
            // cache is cheaper to refill from the squashfs root's small blocks; the build JDK's VM
            // keeps the smallest image (kernel + root under 20 MB) with large blocks, and 112 MB.
            case "xen" -> image = XenPackager.write(out, name, classPath, JVM_OPTIONS, manifest.keys(),
                    SystemLibraries.neededBy(runtime), epoch, root.resolve("build").resolve("xen-kernel"),
                    jvm.equals("jdk") ? SquashfsRoot.Blocks.COMPACT : SquashfsRoot.Blocks.LEAN, progress)
                    .directory();
            default -> throw new IOException("TARGET=" + target + " cannot be built yet (unix, docker and xen can)");
        }
        return new Result(launcher, List.copyOf(classPath), jdkModules, tarball, image);
    }

    /**
     * Removes from {@code lib/} the third-party jars that hold no class the generated Main can
     * reach (Netty's transport and handler jars come along as codec-http's dependencies, but the
     * HTTP server uses only its vocabulary classes), and shrinks the others to their reachable
     * classes. Morgana's own module jars stay whole: the manifest chose them.
     */
    private static List<Path> dropUnreachedLibraries(List<Path> classPath, ClassReachability.Reach reach,
                                                     SortedSet<String> modules, Consumer<String> progress)
            throws IOException {
        Set<Path> reached = Set.copyOf(reach.jars());
        List<Path> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Path jar : classPath) {
            String file = jar.getFileName().toString();
            boolean ours = file.endsWith("-app.jar") || modules.stream().anyMatch(m -> file.startsWith(m + "-"));
            if (ours) {
                kept.add(jar);
            } else if (reached.contains(jar)) {
                kept.add(jar);
                if (!JarShrinker.isSigned(jar)) {
                    int removed = JarShrinker.shrink(jar, reach.classes().get(jar));
                    progress.accept("link: " + file + " keeps " + reach.classes().get(jar).size()
                            + " reachable classes, " + removed + " removed");
                }
            } else {
                Files.delete(jar);
                dropped.add(file);
            }
        }
        if (!dropped.isEmpty()) {
            progress.accept("link: dropped " + String.join(", ", dropped) + " (no class reachable from Main)");
        }
        return kept;
    }

    /**
     * The image's layer compression, from {@code MORGANA_LAYERS} (gzip unless it says zstd: every
     * Docker loads gzip layers, zstd ones only Docker Engine 23 and later).
     */
    private static LayerCompression layerCompression() throws IOException {
        try {
            return LayerCompression.named(System.getenv(LayerCompression.VARIABLE));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The git commit the sources are at, or "unknown" outside a git checkout. */
    static String sourceRevision(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static Path siteDirectory(Path root, Path htdocs) throws IOException {
        Path dir = root.resolve(htdocs);
        if (!Files.isDirectory(dir)) {
            throw new IOException("no site directory " + htdocs
                    + (htdocs.startsWith("htdocs-example") ? " (assembled by `mvn package`; make build runs it)" : ""));
        }
        return dir;
    }

    private static void compileMain(Path source, Path classes, List<Path> classPath) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IOException("no generated " + source + ": run `make configure` first");
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("build needs a JDK (javac), not a bare runtime");
        }
        Files.createDirectories(classes);
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(), "--release", "25", "-classpath",
                    classPath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
            boolean ok = javac.getTask(errors, files, null, options, null,
                    files.getJavaFileObjects(source.toFile())).call();
            if (!ok) {
                throw new IOException("the generated Main does not compile against the linked modules:\n" + errors);
            }
        }
    }

    /**
     * Why a training run on this machine cannot exercise the appliance, or null if it can: the VM
     * image does not use the cache (its JVM is another runtime), and NET=direct listens on a TAP
     * address that the build machine need not have.
     */
    private static String untrainable(java.util.Map<String, String> keys) {
        if ("xen".equals(keys.get("TARGET"))) {
            return "TARGET=xen: the VM's runtime does not use it";
        }
        if ("direct".equals(keys.get("NET"))) {
            return "NET=direct: the appliance is reached over a TAP device, not on this machine's loopback";
        }
        return null;
    }

    private static Path writeLauncher(Path out, String name, List<Path> classPath) throws IOException {
        // Relative class path from the appliance's folder: the AOT cache checks it, and it must
        // match wherever the artefact is unpacked.
        String cp = classPath.stream()
                .map(p -> out.relativize(p).toString().replace('\\', '/'))
                .collect(Collectors.joining(":"));
        String script = """
                #!/bin/sh
                # Runs the "%1$s" appliance on its own runtime. Written by `make build`; keys were fixed by `make configure`.
                case "$0" in */*) bin="${0%%/*}" ;; *) bin=. ;; esac # as dirname, without starting it
                cd "$bin/.." || exit 1
                here=$PWD # set by cd: no subshell to start
                aot=
                if [ -f "cache/%1$s.aot" ]; then aot="-XX:AOTCache=cache/%1$s.aot"; fi
                exec runtime/bin/java %2$s $aot -Dmorgana.home="$here" -cp "%3$s" Main "$@"
                """.formatted(name, String.join(" ", JVM_OPTIONS), cp);
        Path bin = out.resolve("bin");
        Files.createDirectories(bin);
        Path launcher = bin.resolve(name);
        Files.writeString(launcher, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    /** Mirrors {@code source} into {@code target} with hard links (copies where links fail). */
    private static void linkTree(Path source, Path target) throws IOException {
        try (var paths = Files.walk(source)) {
            for (Path p : paths.sorted().toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try {
                        Files.createLink(dest, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, dest, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

}
