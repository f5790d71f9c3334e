package dev.morgana.xen.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * The VM's Java runtime: the appliance's own jlinked runtime (whatever JDK modules and classes
 * the build kept), without class data sharing or AOT archives, with {@code libjvm.so} run
 * through {@code strip --strip-unneeded}.
 *
 * <p>The module image stays uncompressed. The initramfs lives in the guest's RAM, so a jlink
 * {@code --compress=zip-6} image saves RAM (java.base: 25.6 MB down to 11.8 MB) but cannot be
 * compressed again by xz: the image file grows by about 7 MB. With the small kernel the guest
 * has RAM to spare for the plain image and the file stays under 20 MB (docs/benchmarks.md,
 * "VM image"). CDS archives are left out: 14 MB of RAM, and their dump records build paths.
 *
 * <p>Prepared runtimes are cached under {@code cache/HASH}, HASH naming the appliance runtime's
 * files and their bytes.
 */
final class VmRuntime {

    /** Files a VM never reads: archives of class data sharing and ahead-of-time caches. */
    private static final List<String> LEFT_OUT_SUFFIXES = List.of(".jsa", ".aot");

    private VmRuntime() {}

    /**
     * @param appRuntime the appliance's runtime folder (bin/java, lib/modules, lib/server/libjvm.so)
     * @param cache where prepared VM runtimes are kept between builds
     * @return the VM runtime's folder (do not modify it)
     */
    static Path prepare(Path appRuntime, Path cache, Consumer<String> progress) throws IOException {
        if (!Files.isRegularFile(appRuntime.resolve("bin/java")) || !Files.isRegularFile(appRuntime.resolve("lib/modules"))) {
            throw new IOException(appRuntime + " is no Java runtime (bin/java, lib/modules)");
        }
        List<Path> files;
        try (var walk = Files.walk(appRuntime)) {
            files = walk.filter(p -> Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> LEFT_OUT_SUFFIXES.stream().noneMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted().toList();
        }
        Path prepared = cache.resolve(contentKey(appRuntime, files));
        if (Files.isRegularFile(prepared.resolve("bin/java"))) {
            return prepared;
        }
        progress.accept("xen: the VM runtime: " + appRuntime + " without CDS archives, libjvm.so stripped");
        Path partial = cache.resolve(prepared.getFileName() + ".partial");
        DebianKernel.deleteTree(partial);
        for (Path file : files) {
            Path target = partial.resolve(appRuntime.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        // The appliance's runtime is stripped already when binutils was there; strip is idempotent.
        DebianKernel.run(cache, "strip", "--strip-unneeded", partial.resolve("lib/server/libjvm.so").toString());
        DebianKernel.deleteTree(prepared);
        Files.move(partial, prepared);
        return prepared;
    }

    /** 16 hex digits of SHA-256 over each file's relative path, mode and bytes (a link's target). */
    static String contentKey(Path root, List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                sha.update((root.relativize(file) + (Files.isExecutable(file) ? " x" : " -") + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                if (Files.isSymbolicLink(file)) {
                    sha.update(("-> " + Files.readSymbolicLink(file) + "\n").getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
