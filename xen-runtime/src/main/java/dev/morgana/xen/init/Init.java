package dev.morgana.xen.init;

import dev.morgana.types.JobRunner;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * PID 1 of the VM image: the JVM itself is init. It mounts what the JVM and the appliance need,
 * loads the kernel modules the packager listed (finit_module through FFM), checks the boot keys,
 * configures the network for NET=socket, attaches the site disk for FS=fat, then runs the
 * generated {@code Main} on this same JVM. No other process is ever started.
 *
 * <p>PID 1 never exits (the kernel would panic): a clean stop (ACPI power button, {@code xl
 * shutdown}, SIGTERM) powers the VM off after the appliance has stopped, logging status 0; a bad
 * key, a failed step or a failed start prints {@code morgana: boot error: ...} or the appliance's
 * error, then a failure status, and powers off too.
 */
public final class Init {

    /** Where the packager puts the init's own files. */
    public static final String ETC = "/etc/morgana";
    /** Files under {@link #ETC}: configured keys, modules in load order, data files served from a disk. */
    public static final String KEYS = "keys";
    public static final String MODULES = "modules";
    public static final String DISKS = "disks";
    /** The appliance's home inside the image (-Dmorgana.home). */
    public static final String HOME = "/opt/morgana/app";
    /**
     * Where the init links data files served from a disk to the disk's device: the image links
     * {@code HOME/data/FILE} here, because its own root may be read-only (the small kernel's squashfs).
     */
    public static final String DISK_LINKS = "/tmp/morgana-disks";
    /** The image's poweroff command (written by the image package's {@code StopProgram}). */
    public static final String STOP_PROGRAM = "/opt/morgana/stop";

    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final long MS_NOEXEC = 8;
    private static final int NIC_WAIT_SECONDS = 20;
    private static final int DISK_WAIT_SECONDS = 20;
    private static final long SHUTDOWN_WAIT_MILLIS = 10_000;

    private Init() {}

    public static void main(String[] args) {
        try {
            // CLOCK_MONOTONIC is the kernel's uptime: /proc is not mounted yet.
            log("init: pid " + ProcessHandle.current().pid() + ", java " + Runtime.version() + ", JVM up at "
                    + String.format("%.2f", System.nanoTime() / 1e9) + " s");
            mountFilesystems();
            log("init: filesystems mounted at uptime " + uptime() + " s");
            SortedMap<String, String> configured = BootKeys.parseKeyFile(read(Path.of(ETC, KEYS)));
            SortedMap<String, String> keys = BootKeys.resolve(configured, read(Path.of("/proc/cmdline")));
            log("init: keys " + keys);
            loadModules();
            configureNetwork(keys);
            attachDisks(keys.get("DISK"));
            PowerRequests.listen();
            // PID 1 must never exit: every end of the appliance powers the VM off instead.
            JobRunner.onStopped(Init::powerOff);
            log("init: processes " + userProcesses() + " (only init: the appliance runs in pid 1)");
            log("init: starting the appliance at uptime " + uptime() + " s, " + memory());
            MemoryWatch.start();
        } catch (Exception | LinkageError e) {
            fail(e);
        }
        try {
            MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName("Main"), "main",
                    MethodType.methodType(void.class, String[].class));
            main.invokeExact(new String[0]);
        } catch (Throwable e) {
            fail(e);
        }
        // Main returns when every job has ended, or when a stop request interrupted them: then the
        // appliance's shutdown hook is closing the devices and powers off (JobRunner.onStopped).
        // Let it finish; power off here if it does not.
        awaitShutdownHooks();
        log("init: the appliance has ended");
        powerOff(0);
    }

    /**
     * NET=socket: the kernel's stack gets the address. NET=direct: the kernel's stack gets none;
     * the link is only brought up, and the from-scratch stack drives it through a packet socket.
     * Either way the network keys reach Main as system properties {@code morgana.IP} (and
     * NETMASK, GATEWAY), so boot keys override the configured address (configs/www/config.java).
     */
    private static void configureNetwork(SortedMap<String, String> keys) throws IOException, InterruptedException {
        for (String key : List.of("IP", "NETMASK", "GATEWAY")) {
            System.setProperty("morgana." + key, keys.get(key));
        }
        String net = keys.get("NET");
        if ("socket".equals(net)) {
            String nic = waitForNic();
            KernelNetwork.configure(nic, keys.get("IP"), keys.get("NETMASK"), keys.get("GATEWAY"));
            log("init: " + nic + " " + keys.get("IP") + " netmask " + keys.get("NETMASK") + " gateway "
                    + keys.get("GATEWAY"));
        } else if ("direct".equals(net)) {
            String nic = waitForNic();
            KernelNetwork.linkUpWithoutAddress(nic);
            log("init: " + nic + " up with no kernel address: the from-scratch stack drives it ("
                    + ("true".equals(keys.get("DHCP")) ? "DHCP" : keys.get("IP") + " netmask " + keys.get("NETMASK")
                    + " gateway " + keys.get("GATEWAY")) + ")");
        }
    }

    private static void awaitShutdownHooks() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread != Thread.currentThread() && thread.getName().endsWith("-shutdown")) {
                try {
                    thread.join(SHUTDOWN_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void mountFilesystems() throws IOException {
        Linux.mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, null);
        Linux.mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, null);
        Linux.mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
        Linux.mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m");
    }

    private static void loadModules() throws IOException {
        String release = read(Path.of("/proc/sys/kernel/osrelease")).strip();
        Path base = Path.of("/lib/modules", release);
        List<String> loaded = new ArrayList<>();
        for (String line : read(Path.of(ETC, MODULES)).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String name = Path.of(line).getFileName().toString().replaceFirst("\\.ko$", "");
            try {
                loaded.add(Linux.loadModule(base.resolve(line).toString()) ? name : name + "(built in)");
            } catch (IOException e) {
                // Drivers for the other hypervisor refuse to load (ENODEV): expected, not fatal.
                loaded.add(name + "(" + e.getMessage().replaceFirst(".*: ", "") + ")");
            }
        }
        log("init: modules " + (loaded.isEmpty() ? "none (the kernel has its drivers built in)" : String.join(" ", loaded)));
    }

    private static String waitForNic() throws IOException, InterruptedException {
        for (int tenths = 0; tenths < NIC_WAIT_SECONDS * 10; tenths++) {
            if (Files.exists(Path.of("/sys/class/net/eth0"))) {
                return "eth0";
            }
            Thread.sleep(100);
        }
        throw new IOException("no network interface eth0 after " + NIC_WAIT_SECONDS
                + " s: give the VM a virtio-net or Xen vif");
    }

    /** Links each data file served from a disk (FS=fat's image) to the VM's disk device. */
    private static void attachDisks(String disk) throws IOException, InterruptedException {
        List<String> files = read(Path.of(ETC, DISKS)).lines().filter(l -> !l.isBlank()).toList();
        if (files.isEmpty()) {
            return;
        }
        List<String> candidates = disk.equals("auto") ? List.of("xvdb", "vdb", "vda") : List.of(disk);
        for (int tenths = 0; tenths < DISK_WAIT_SECONDS * 10; tenths++) {
            for (String name : candidates) {
                Path device = Path.of("/dev", name);
                if (Files.exists(device)) {
                    for (String file : files) {
                        Path link = Path.of(HOME, file);
                        if (Files.isSymbolicLink(link)) { // the image's link into DISK_LINKS
                            link = link.resolveSibling(Files.readSymbolicLink(link));
                        }
                        Files.createDirectories(link.getParent());
                        Files.deleteIfExists(link);
                        Files.createSymbolicLink(link, device);
                        log("init: " + file + " is " + device);
                    }
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("no disk " + String.join(" or ", candidates) + " after " + DISK_WAIT_SECONDS
                + " s: FS=fat serves the site from the VM's disk (xvdb under Xen, vdb or vda under virtio)");
    }

    /** The processes with a command line (kernel threads have none). */
    private static List<Long> userProcesses() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readAllBytes(entry.resolve("cmdline")).length > 0) {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited while we looked
                }
            }
        }
        pids.sort(null);
        return pids;
    }

    /** MemTotal and MemAvailable from /proc/meminfo: what the initramfs and kernel leave the JVM. */
    private static String memory() {
        try {
            return read(Path.of("/proc/meminfo")).lines()
                    .filter(l -> l.startsWith("MemTotal:") || l.startsWith("MemAvailable:"))
                    .map(l -> l.replaceAll("\\s+", " "))
                    .reduce((a, b) -> a + ", " + b).orElse("no meminfo");
        } catch (IOException e) {
            return "no meminfo";
        }
    }

    static String uptime() {
        try {
            return read(Path.of("/proc/uptime")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }

    static void log(String line) {
        System.out.println("morgana " + line);
        System.out.flush();
    }

    private static void fail(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        System.out.println("morgana: boot error: " + message);
        System.out.flush();
        powerOff(1);
    }

    /**
     * Ends the VM: logs the status (0 success, else failure) on the console, flushes the disks
     * and powers off with reboot(2). PID 1 never exits (that would panic the kernel); if the
     * kernel refuses to power off, the JVM halts with the status as a last resort.
     */
    static void powerOff(int status) {
        String watched = MemoryWatch.summary();
        if (!watched.isEmpty()) {
            System.out.println("morgana init: since Main: " + watched);
        }
        System.out.println(status == 0
                ? "morgana init: stopped cleanly (status 0): powering the VM off"
                : "morgana: stopping the VM with a failure status (" + status + "): powering it off");
        System.out.flush();
        IOException refused = Linux.powerOff();
        System.out.println("morgana: power off refused (" + refused.getMessage() + "): halting with status " + status);
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }
}
