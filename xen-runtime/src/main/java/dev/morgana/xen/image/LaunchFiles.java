package dev.morgana.xen.image;

import dev.morgana.xen.init.BootKeys;
import java.util.List;
import java.util.Map;

/** The two ways to start the image: an {@code xl} config for Xen and a shell script for QEMU. */
final class LaunchFiles {

    /** The init: the java binary itself, whose argument after {@code --} is the file holding the JVM's options and the init's class. */
    private static final String INIT = "/" + XenPackager.RUNTIME + "/bin/java -- @" + XenPackager.INIT_ARGS;

    /**
     * The init's environment: the kernel hands {@code NAME=value} words it does not know to init.
     * Two glibc malloc arenas instead of one per thread (up to eight per CPU): each arena keeps
     * its own free memory, which a guest without swap cannot spare (docs/xen.md, "Memory").
     */
    static final String INIT_ENVIRONMENT = "MALLOC_ARENA_MAX=2";

    /**
     * The image's root file system: the ramdisk file the kernel is given and the kernel arguments
     * that go with it (both launch files put them last on the command line).
     */
    enum Root {
        /**
         * An xz cpio the kernel unpacks into RAM, where every file stays. {@code rootfstype=ramfs}:
         * it is otherwise unpacked into a tmpfs limited to half the RAM, too little for the runtime
         * in a small guest ("Initramfs unpacking failed").
         */
        INITRAMFS(XenPackager.INITRAMFS, INIT_ENVIRONMENT + " rootfstype=ramfs rdinit=" + INIT),
        /**
         * A squashfs ({@link SquashfsRoot}) the kernel copies into the RAM disk {@code /dev/ram0}
         * and mounts read-only as root: only the compressed image stays in RAM. Needs a kernel with
         * squashfs and the RAM disk built in (the small kernel).
         */
        SQUASHFS(XenPackager.SQUASHFS_ROOT, INIT_ENVIRONMENT + " root=/dev/ram0 rootfstype=squashfs ro init=" + INIT);

        final String file;
        final String kernelArguments;

        Root(String file, String kernelArguments) {
            this.file = file;
            this.kernelArguments = kernelArguments;
        }
    }

    private LaunchFiles() {}

    /**
     * The xl config names its files relative to the image folder, so the folder can move (and
     * two builds in different places write the same bytes): run {@code xl create} there.
     */
    static String xlConfig(String name, Map<String, String> configured, String disk, int memoryMb, Root root) {
        StringBuilder keys = new StringBuilder();
        for (String key : List.of("IP", "NETMASK", "GATEWAY")) {
            keys.append(keys.isEmpty() ? "" : " ").append("morgana.").append(key).append('=')
                    .append(configured.getOrDefault(key, BootKeys.VM_DEFAULTS.get(key)));
        }
        return """
                # cd to this folder, then xl create %1$s.xl: the "%1$s" appliance as a Xen guest (the
                # paths below are relative to this folder). Written by `make build` (TARGET=xen).
                # Boot keys go in extra as morgana.KEY=value before the "--": IP, NETMASK, GATEWAY
                # (set them for your bridge's network), DISK; configure-time keys are compiled in.
                # Every stop powers off (xl shutdown: status 0; a boot error prints a failure status on
                # the console first); only a kernel crash ends in on_crash.
                name = "%1$s"
                type = "pv"
                kernel = "vmlinuz"
                ramdisk = "%6$s"
                extra = "console=hvc0 panic=-1 %2$s %3$s"
                memory = %4$d
                vcpus = 1
                vif = [ 'bridge=xenbr0' ]
                %5$son_poweroff = "destroy"
                on_reboot = "destroy"
                on_crash = "destroy"
                """.formatted(name, keys, root.kernelArguments, memoryMb,
                disk == null ? "" : "disk = [ 'format=raw,vdev=xvdb,access=ro,target=" + disk + "' ]\n", root.file);
    }

    static String qemuScript(String name, String port, String disk, int memoryMb, Root root) {
        return """
                #!/bin/sh
                # Boots the "%1$s" VM image under QEMU with software emulation. Written by `make build` (TARGET=xen).
                # The console is this terminal (ttyS0; Ctrl-A X quits). The site is on http://127.0.0.1:$HOST_PORT/.
                #   HOST_PORT  host port forwarded to the appliance's port %2$s (default 8080)
                #   KEYS       extra boot keys, e.g. KEYS="morgana.IP=10.0.2.20"
                #   GUEST_IP   the guest address the port forward goes to (default QEMU's 10.0.2.15)
                #   MEMORY     guest RAM in MB (default %3$d)
                # Further arguments go to qemu-system-x86_64 (e.g. -monitor unix:/tmp/m.sock,server,nowait).
                here=$(cd "$(dirname "$0")" && pwd)
                exec qemu-system-x86_64 -accel tcg -m "${MEMORY:-%3$d}" -nographic -no-reboot \\
                  -kernel "$here/vmlinuz" -initrd "$here/%6$s" \\
                  -append "console=ttyS0 panic=-1 ${KEYS:-} %4$s" \\
                  -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:${HOST_PORT:-8080}-${GUEST_IP:-}:%2$s" \\
                  -device virtio-net-pci,netdev=net0 \\
                %5$s  "$@"
                """.formatted(name, port, memoryMb, root.kernelArguments, disk == null ? ""
                : "  -drive \"if=none,id=site,format=raw,readonly=on,file=$here/" + disk + "\" \\\n"
                + "  -device virtio-blk-pci,drive=site \\\n", root.file);
    }
}
