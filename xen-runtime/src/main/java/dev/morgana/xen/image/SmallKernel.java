package dev.morgana.xen.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Morgana's own small kernel ({@code KERNEL=small}): Debian's linux-source-6.1 built with
 * {@code allnoconfig} plus the fragment {@code kernel/morgana.config} (64-bit, Xen PV/PVH and
 * virtio front-ends, serial and hvc consoles, packet sockets, IPv4, xz initramfs, XZ payload),
 * every driver built in, so the initramfs carries no modules. About 2 MB against the cloud
 * kernel's 13.5 MB, and less of the guest's RAM.
 *
 * <p>The build takes 10 to 30 minutes on 2 cores, so its result is cached under
 * {@code cache/small-HASH}, HASH naming the fragment and the build script: a changed fragment
 * builds again, an unchanged one never. {@code make vm-kernel} builds it ahead of time.
 *
 * @param vmlinuz the bzImage
 * @param release its release (uname -r)
 */
public record SmallKernel(Path vmlinuz, String release) {

    /** The build script and the config fragment, resources beside this class. */
    static final String SCRIPT = "kernel/build-small-kernel.sh";
    static final String FRAGMENT = "kernel/morgana.config";
    private static final long BUILD_SECONDS = 90 * 60;

    /**
     * Returns the cached small kernel, building it first if the cache lacks it.
     *
     * @param cache the kernel cache folder (build/xen-kernel)
     */
    public static SmallKernel fetch(Path cacheDir, Consumer<String> progress) throws IOException {
        // absolute: the script runs with the cache as its working directory
        Path cache = cacheDir.toAbsolutePath();
        byte[] script = resource(SCRIPT);
        byte[] fragment = resource(FRAGMENT);
        Path dir = cache.resolve("small-" + cacheKey(script, fragment));
        if (!Files.isRegularFile(dir.resolve("vmlinuz"))) {
            progress.accept("kernel: building the small kernel into " + dir + " (10 to 30 minutes, once)");
            Path inputs = cache.resolve(dir.getFileName() + ".inputs");
            Files.createDirectories(inputs);
            Path scriptFile = inputs.resolve("build-small-kernel.sh");
            Path fragmentFile = inputs.resolve("morgana.config");
            Files.write(scriptFile, script);
            Files.write(fragmentFile, fragment);
            Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwxr-xr-x"));
            DebianKernel.run(cache, BUILD_SECONDS, scriptFile.toString(), dir.toString(), fragmentFile.toString());
            DebianKernel.deleteTree(inputs);
        }
        String release = Files.readString(dir.resolve("release"), StandardCharsets.UTF_8).strip();
        return new SmallKernel(dir.resolve("vmlinuz"), release);
    }

    /** {@code make vm-kernel}: builds the small kernel into the cache folder {@code args[0]} if it lacks it. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SmallKernel CACHE_DIR (build/xen-kernel)");
            System.exit(2);
        }
        SmallKernel kernel = fetch(Path.of(args[0]), System.out::println);
        System.out.println("small kernel " + kernel.release() + ": " + kernel.vmlinuz() + " ("
                + Files.size(kernel.vmlinuz()) + " bytes)");
    }

    /** A resource beside this class: the build script or the config fragment. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = SmallKernel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the xen-runtime jar lacks " + name);
            }
            return in.readAllBytes();
        }
    }

    /** 16 hex digits of SHA-256 over the script and the fragment: what the kernel is built from. */
    static String cacheKey(byte[] script, byte[] fragment) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(script);
            sha.update(fragment);
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
