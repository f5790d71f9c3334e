package dev.morgana.xen.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's cloud kernel (Xen PV/PVH and virtio built in, front-end drivers as modules), fetched
 * with {@code apt-get download}, unpacked with {@code dpkg-deb -x} and given a modules.dep by
 * {@code depmod -b}, all into a cache folder reused by later builds.
 *
 * @param vmlinuz the compressed kernel image
 * @param modules the folder holding modules.dep and kernel/
 * @param release the kernel release (uname -r)
 */
public record DebianKernel(Path vmlinuz, Path modules, String release) {

    /** The meta package that names the current cloud kernel. */
    public static final String META_PACKAGE = "linux-image-cloud-amd64";
    private static final Pattern DEPENDS = Pattern.compile("Depends:\\s*(linux-image-([0-9][^\\s]*-cloud-amd64))");
    private static final long TOOL_SECONDS = 300;

    /**
     * Returns the cached kernel, fetching and preparing it first if the cache lacks it.
     *
     * @param cache the cache folder (build/xen-kernel)
     */
    public static DebianKernel fetch(Path cache, Consumer<String> progress) throws IOException {
        String aptCache = run(cache.getParent(), "apt-cache", "depends", META_PACKAGE);
        Matcher m = DEPENDS.matcher(aptCache);
        if (!m.find()) {
            throw new IOException("apt-cache knows no " + META_PACKAGE + " (run apt-get update):\n" + aptCache);
        }
        String packageName = m.group(1);
        String release = m.group(2);
        Path unpacked = cache.resolve(packageName);
        DebianKernel kernel = new DebianKernel(unpacked.resolve("boot/vmlinuz-" + release),
                unpacked.resolve("lib/modules/" + release), release);
        if (Files.isRegularFile(kernel.vmlinuz()) && Files.isRegularFile(kernel.modules().resolve("modules.dep"))) {
            progress.accept("kernel: cached " + packageName);
            return kernel;
        }
        Path debs = cache.resolve("debs");
        Files.createDirectories(debs);
        progress.accept("kernel: apt-get download " + packageName);
        run(debs, "apt-get", "download", "-q", packageName);
        Path deb;
        try (var files = Files.list(debs)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(packageName + "_")
                    && p.toString().endsWith(".deb")).sorted().toList();
            if (found.isEmpty()) {
                throw new IOException("apt-get download left no " + packageName + "_*.deb in " + debs);
            }
            deb = found.getLast();
        }
        Path partial = cache.resolve(packageName + ".partial");
        deleteTree(partial);
        run(cache, "dpkg-deb", "-x", deb.toString(), partial.toString());
        // depmod lives in /usr/sbin, which a non-root PATH may lack.
        String depmod = Files.isExecutable(Path.of("/usr/sbin/depmod")) ? "/usr/sbin/depmod" : "depmod";
        run(cache, depmod, "-b", partial.toString(), release);
        deleteTree(unpacked);
        Files.move(partial, unpacked);
        if (!Files.isRegularFile(kernel.vmlinuz())) {
            throw new IOException(packageName + " has no " + unpacked.relativize(kernel.vmlinuz()));
        }
        return kernel;
    }

    /** The text of modules.dep. */
    public String modulesDep() throws IOException {
        return Files.readString(modules.resolve("modules.dep"), StandardCharsets.UTF_8);
    }

    static String run(Path dir, String... command) throws IOException {
        return run(dir, TOOL_SECONDS, command);
    }

    /** Runs {@code command} in {@code dir}, waiting at most {@code seconds}; returns its output. */
    static String run(Path dir, long seconds, String... command) throws IOException {
        Files.createDirectories(dir);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is needed to build TARGET=xen (Debian: "
                    + switch (command[0]) {
                        case "depmod", "/usr/sbin/depmod" -> "kmod";
                        case "dpkg-deb" -> "dpkg";
                        case "strip" -> "binutils";
                        case "mksquashfs" -> "squashfs-tools";
                        default -> "apt";
                    } + "): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "):\n" + out);
        }
        return out;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
