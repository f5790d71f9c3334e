package dev.morgana.xen.image;

import dev.morgana.xen.init.Init;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * The xen target: the appliance as a VM image. Writes, into a folder beside the appliance's
 * ({@code build/www-xen} for {@code build/www}):
 * <ul>
 * <li>{@code vmlinuz}: Debian's cloud kernel (Xen PV/PVH, virtio; drivers as modules), or with
 *     {@code KERNEL=small} Morgana's own ({@link SmallKernel}: every driver built in);</li>
 * <li>{@code initramfs.cpio.xz} (cloud kernel) or {@code root.squashfs} (small kernel, {@link SquashfsRoot}):
 *     the VM's jlinked runtime ({@link VmRuntime}), the glibc files it needs, the kernel
 *     modules the VM needs with their dependencies, the appliance's jars and data, and the init
 *     ({@link Init}: the JVM is PID 1, then runs the generated Main);</li>
 * <li>{@code NAME.xl}: an {@code xl create} config; {@code run-qemu.sh}: boots the same image
 *     under QEMU with user networking and a host port forward;</li>
 * <li>for FS=fat, the site image ({@code htdocs.img}), which the VM reads as its disk.</li>
 * </ul>
 */
public final class XenPackager {

    /** The drivers a VM needs, under Xen and under QEMU; dependencies come from modules.dep. */
    public static final List<String> MODULES = List.of("virtio_pci", "virtio_net", "virtio_blk",
            "xen_netfront", "xen_blkfront", "button", "evdev");
    /** Where things live inside the image. */
    public static final String RUNTIME = "opt/morgana/runtime";
    public static final String INIT_CLASSES = "opt/morgana/init";
    public static final String INIT_ARGS = "/etc/morgana/init.args";
    /** The initramfs file (cloud kernel): xz-compressed newc cpio. */
    public static final String INITRAMFS = "initramfs.cpio.xz";
    /** The root file system image (small kernel): squashfs, loaded into a RAM disk ({@link SquashfsRoot}). */
    public static final String SQUASHFS_ROOT = "root.squashfs";
    /**
     * Guest RAM with Debian's cloud kernel: the initramfs is unpacked into RAM and stays there, and
     * that kernel takes 33 MB itself (docs/xen.md, "Memory").
     */
    public static final int MEMORY_MB = 256;
    /**
     * Guest RAM with the small kernel ({@code KERNEL=small}, squashfs root) and the build JDK's
     * VM: 96 MB served 8 clients for three and ten minutes, but thrashed and cut 4 MiB bodies
     * short after 20 (libjvm.so is 24 MB there, and its 1 MiB squashfs blocks make each page
     * read back costly); 112 MB leaves its page cache room (docs/benchmarks.md, "RAM: the
     * smallest guest that serves under load").
     */
    public static final int SMALL_KERNEL_MEMORY_MB = 112;
    /**
     * Guest RAM with the small kernel for an image meant for the smallest guests ({@code JVM=small},
     * {@link SquashfsRoot.Blocks#LEAN}): serves 8 clients for 20 minutes (make test-vm-memory). It
     * became enough once the JVM's anonymous memory stopped growing under load: TCP rings reused
     * across connections, native memory trimmed, a 16 MB heap cap ({@link #VM_JVM_OPTIONS}).
     */
    public static final int SMALL_KERNEL_LEAN_MEMORY_MB = 96;
    /**
     * JVM options for a small guest: a small heap that Serial GC keeps close to the live data
     * (it grows the heap only below 10% free and gives it back above 30%; 4-5 MB are live under
     * load), a 2 MiB young generation (frequent young collections of a few ms rather than a
     * larger committed heap), C1 only with one compiler thread (less memory, quicker warm-up
     * under emulation), bounded metaspace, code cache and direct buffers, malloc's free memory
     * given back every 5 s (C1 takes up to 8 MB of arena memory to compile the packet socket's
     * foreign calls, which glibc would otherwise keep), and a crunch store mapped where it lies
     * in its jar rather than copied into the JVM's memory (kv-ro-crunch's
     * {@code morgana.crunch.readAtOnceMax}).
     */
    static final List<String> VM_JVM_OPTIONS = List.of("-Xms8m", "-Xmx16m", "-Xmn2m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:MaxMetaspaceSize=40m", "-XX:ReservedCodeCacheSize=12m", "-XX:MaxDirectMemorySize=16m",
            "-XX:TrimNativeHeapInterval=5000", "-Dmorgana.crunch.readAtOnceMax=0");

    private static final String INIT_PACKAGE = Init.class.getPackageName().replace('.', '/') + "/";

    private XenPackager() {}

    /** What was written. */
    public record Result(Path directory, Path kernel, Path initramfs, Path xlConfig, Path qemuScript) {}

    /**
     * @param out the built appliance folder (lib/, data/, runtime/)
     * @param name the appliance's name
     * @param classPath the jars under out/lib, in class-path order
     * @param jvmOptions options for the JVM
     * @param keys the configured keys
     * @param systemLibraries absolute paths of the host libraries the runtime needs
     * @param epoch the time stamped on every file of the initramfs
     * @param kernelCache where the fetched kernel is kept between builds
     * @param rootBlocks the squashfs root's block size (small kernel only): {@link SquashfsRoot.Blocks#LEAN}
     *     for an image meant for the smallest guests, {@link SquashfsRoot.Blocks#COMPACT} for the smallest image
     */
    public static Result write(Path out, String name, List<Path> classPath, List<String> jvmOptions,
                               Map<String, String> keys, SortedSet<String> systemLibraries, Instant epoch,
                               Path kernelCache, SquashfsRoot.Blocks rootBlocks, Consumer<String> progress)
            throws IOException {
        Initramfs image = new Initramfs(epoch.getEpochSecond());
        String kernelChoice = kernelChoice(keys, System.getenv());
        Path vmlinuz;
        String release;
        List<String> modules;
        if (kernelChoice.equals("small")) {
            SmallKernel small = SmallKernel.fetch(kernelCache, progress);
            vmlinuz = small.vmlinuz();
            release = small.release();
            modules = List.of(); // every driver is built in
        } else {
            DebianKernel kernel = DebianKernel.fetch(kernelCache, progress);
            vmlinuz = kernel.vmlinuz();
            release = kernel.release();
            modules = new ModuleDependencies(kernel.modulesDep()).loadOrder(MODULES);
            for (String module : modules) {
                image.file("lib/modules/" + release + "/" + module, kernel.modules().resolve(module), 0644);
            }
        }
        Path dir = out.resolveSibling(out.getFileName() + "-xen");
        DebianKernel.deleteTree(dir);
        Files.createDirectories(dir);

        for (String mountPoint : List.of("proc", "sys", "dev", "tmp", "etc")) {
            image.directory(mountPoint, 0755);
        }
        image.charDevice("dev/console", 0600, 5, 1);
        image.file(StopProgram.PATH, StopProgram.bytes(), 0755);
        image.tree(RUNTIME, VmRuntime.prepare(out.resolve("runtime"), kernelCache.resolveSibling("xen-runtimes"), progress));
        for (String library : systemLibraries) {
            // The real file at the path the loader asks for (Debian's /lib64 and /lib are links).
            image.file(library.substring(1), Path.of(library).toRealPath(), 0755);
        }
        // java finds libjli.so through $ORIGIN, which glibc derives from /proc/self/exe: PID 1
        // starts before /proc is mounted, so the library must also be where the loader looks.
        image.symlink("lib/x86_64-linux-gnu/libjli.so", "/" + RUNTIME + "/lib/libjli.so");
        image.tree(Init.HOME.substring(1) + "/lib", out.resolve("lib"));
        List<String> disks = new ArrayList<>();
        Path data = out.resolve("data");
        if (Files.isDirectory(data)) {
            try (var files = Files.walk(data)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String relative = "data/" + data.relativize(file).toString().replace('\\', '/');
                    if (relative.endsWith(".img")) {
                        // A block image is the VM's disk, not a file in RAM. The init links it to
                        // the disk device through this link: the image's own root may be read-only.
                        disks.add(relative);
                        image.symlink(Init.HOME.substring(1) + "/" + relative, Init.DISK_LINKS + "/" + relative);
                        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        image.file(Init.HOME.substring(1) + "/" + relative, file, 0644);
                    }
                }
            }
        }
        if (disks.size() > 1) {
            throw new IOException("TARGET=xen attaches one disk, but the appliance has " + disks);
        }
        addInitClasses(image);

        image.text("etc/morgana/" + Init.MODULES, String.join("\n", modules) + "\n");
        image.text("etc/morgana/" + Init.DISKS, disks.isEmpty() ? "" : String.join("\n", disks) + "\n");
        StringBuilder keyFile = new StringBuilder("# configured by make configure; compiled into Main\n");
        new TreeMap<>(keys).forEach((k, v) -> keyFile.append(k).append('=').append(v).append('\n'));
        image.text("etc/morgana/" + Init.KEYS, keyFile.toString());
        image.text(INIT_ARGS.substring(1), initArgs(jvmOptions, classPath));

        Path kernelCopy = dir.resolve("vmlinuz");
        Files.copy(vmlinuz, kernelCopy, StandardCopyOption.REPLACE_EXISTING);
        // The small kernel mounts a squashfs root from a RAM disk (only compressed bytes stay in
        // RAM); the cloud kernel lacks the RAM disk driver and unpacks an initramfs.
        LaunchFiles.Root root = kernelChoice.equals("small") ? LaunchFiles.Root.SQUASHFS : LaunchFiles.Root.INITRAMFS;
        Path initramfs = dir.resolve(root.file);
        if (root == LaunchFiles.Root.SQUASHFS) {
            SquashfsRoot.write(image, epoch.getEpochSecond(), initramfs, dir.resolve("squashfs.partial"), rootBlocks);
        } else {
            try (var stream = Files.newOutputStream(initramfs)) {
                image.writeXz(stream);
            }
        }
        String port = keys.getOrDefault("PORT", "8080");
        int memoryMb = memoryMb(kernelChoice, rootBlocks);
        String disk = disks.isEmpty() ? null : Path.of(disks.getFirst()).getFileName().toString();
        Path xl = dir.resolve(name + ".xl");
        Files.writeString(xl, LaunchFiles.xlConfig(name, keys, disk, memoryMb, root), StandardCharsets.UTF_8);
        Path qemu = dir.resolve("run-qemu.sh");
        Files.writeString(qemu, LaunchFiles.qemuScript(name, port, disk, memoryMb, root), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        progress.accept("xen: " + kernelChoice + " kernel " + release + " (" + Files.size(kernelCopy) / 1024 + " KiB), " + root.file + " "
                + Files.size(initramfs) / 1024 + " KiB" + (root == LaunchFiles.Root.SQUASHFS ? " (" + rootBlocks.bytes / 1024
                + " KiB blocks)" : "") + " with modules "
                + (modules.isEmpty() ? "none (built in)" : String.join(" ", modules.stream().map(ModuleDependencies::nameOf).toList())));
        progress.accept("xen: built " + dir + ": " + qemu + " boots it under QEMU, xl create " + xl + " under Xen");
        return new Result(dir, kernelCopy, initramfs, xl, qemu);
    }

    /**
     * The kernel to package: {@code cloud} (Debian's cloud kernel, drivers as modules; the default)
     * or {@code small} ({@link SmallKernel}, built from source once). The {@code KERNEL} key if the
     * configuration sets one (www's is empty by default), else the environment's {@code MORGANA_KERNEL}.
     */
    static String kernelChoice(Map<String, String> keys, Map<String, String> environment) {
        String choice = keys.getOrDefault("KERNEL", "");
        if (choice.isEmpty()) { // not chosen by the configuration
            choice = environment.getOrDefault("MORGANA_KERNEL", "");
        }
        return switch (choice) {
            case "", "cloud" -> "cloud";
            case "small" -> "small";
            default -> throw new IllegalArgumentException("unknown kernel '" + choice
                    + "' (KERNEL or MORGANA_KERNEL): accepted values are cloud and small");
        };
    }

    /** The guest RAM the xl config and run-qemu.sh give an image with this kernel and root. */
    static int memoryMb(String kernelChoice, SquashfsRoot.Blocks rootBlocks) {
        if (!kernelChoice.equals("small")) {
            return MEMORY_MB;
        }
        return rootBlocks == SquashfsRoot.Blocks.LEAN ? SMALL_KERNEL_LEAN_MEMORY_MB : SMALL_KERNEL_MEMORY_MB;
    }

    /** The java launcher's argument file: init is the java binary, the kernel passes it @this file. */
    static String initArgs(List<String> jvmOptions, List<Path> classPath) {
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(VM_JVM_OPTIONS);
        args.add("--enable-native-access=ALL-UNNAMED");
        args.add("-Dmorgana.home=" + Init.HOME);
        List<String> cp = new ArrayList<>();
        cp.add("/" + INIT_CLASSES);
        classPath.forEach(p -> cp.add(Init.HOME + "/lib/" + p.getFileName()));
        args.add("-cp");
        args.add(String.join(":", cp));
        args.add(Init.class.getName());
        return String.join("\n", args) + "\n";
    }

    /** The init's classes, from this module's jar or class folder: they need java.base only. */
    private static void addInitClasses(Initramfs image) throws IOException {
        Path source;
        try {
            source = Path.of(Init.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the init's classes", e);
        }
        int count = 0;
        if (Files.isDirectory(source)) {
            try (var files = Files.walk(source.resolve(INIT_PACKAGE))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    image.file(INIT_CLASSES + "/" + source.relativize(file).toString().replace('\\', '/'), file, 0644);
                    count++;
                }
            }
        } else {
            try (InputStream in = Files.newInputStream(source); JarInputStream jar = new JarInputStream(in)) {
                for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                    if (entry.getName().startsWith(INIT_PACKAGE) && entry.getName().endsWith(".class")) {
                        image.file(INIT_CLASSES + "/" + entry.getName(), jar.readAllBytes(), 0644);
                        count++;
                    }
                }
            }
        }
        if (count == 0) {
            throw new IOException("no init classes found in " + source);
        }
    }
}
