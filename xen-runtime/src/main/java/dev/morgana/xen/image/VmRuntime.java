package dev.morgana.xen.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VM's own Java runtime: the same JDK modules as the appliance's runtime, linked again for
 * RAM rather than start-up speed. The initramfs is unpacked into the guest's RAM and stays there,
 * so every byte of the runtime is a byte of a 96 MB guest: the module image is compressed by
 * jlink ({@code --compress=zip-6}: 27 MB down to 13 MB) and libjvm.so loses its symbol tables
 * ({@code strip --strip-unneeded}: 29.8 MB down to 24.8 MB). No class data sharing archive: it
 * would add 14 MB of RAM and its dump records build paths (see docs/xen.md).
 *
 * <p>Linked runtimes are cached under {@code cache/MODULES} since jlink takes a while.
 */
final class VmRuntime {

    private static final Pattern MODULES = Pattern.compile("(?m)^MODULES=\"([a-z0-9. ]+)\"$");

    private VmRuntime() {}

    /**
     * @param appRuntime the appliance's runtime (its {@code release} file names the modules)
     * @param cache where linked VM runtimes are kept between builds
     * @return the VM runtime's folder (do not modify it)
     */
    static Path link(Path appRuntime, Path cache, Consumer<String> progress) throws IOException {
        String release = Files.readString(appRuntime.resolve("release"), StandardCharsets.UTF_8);
        Matcher m = MODULES.matcher(release);
        if (!m.find()) {
            throw new IOException(appRuntime.resolve("release") + " names no MODULES");
        }
        String modules = m.group(1).strip().replace(' ', ',');
        Path linked = cache.resolve(modules + "-" + Runtime.version().feature());
        if (Files.isRegularFile(linked.resolve("bin/java"))) {
            return linked;
        }
        progress.accept("xen: jlink " + modules + " for the VM (compressed modules, stripped libjvm)");
        Path partial = cache.resolve(linked.getFileName() + ".partial");
        DebianKernel.deleteTree(partial);
        Files.createDirectories(cache);
        String jlink = Path.of(System.getProperty("java.home"), "bin", "jlink").toString();
        DebianKernel.run(cache, jlink, "--add-modules", modules, "--strip-debug", "--no-header-files",
                "--no-man-pages", "--compress=zip-6", "--output", partial.toString());
        Path libjvm = partial.resolve("lib/server/libjvm.so");
        DebianKernel.run(cache, "strip", "--strip-unneeded", libjvm.toString());
        DebianKernel.deleteTree(linked);
        Files.move(partial, linked);
        return linked;
    }
}
