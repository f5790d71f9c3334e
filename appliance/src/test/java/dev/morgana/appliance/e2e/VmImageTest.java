package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TARGET=xen booted under QEMU with software emulation (no KVM here), user networking and a host
 * port forward: the VM serves every site file byte-exact from the crunch store and from the FAT
 * image as its virtio disk, over the from-scratch stack on a packet socket (NET=direct, DHCP or a
 * static address from the boot keys) and over the kernel's stack (NET=socket); the appliance is
 * the only process, the ACPI power button stops it gracefully and powers the VM off, and a bad
 * boot key powers it off with a failure status on the console.
 */
class VmImageTest {

    /** Each boot is bounded: kernel, JVM as PID 1 and first response take about a minute here. */
    private static final Duration BOOT = Duration.ofSeconds(180);

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needsQemuAndDebianTools() {
        for (String tool : List.of("qemu-system-x86_64", "apt-get", "dpkg-deb", "depmod")) {
            boolean present = Commands.available(tool) || Files.isExecutable(Path.of("/usr/sbin", tool))
                    || Files.isExecutable(Path.of("/sbin", tool));
            if (!present) {
                System.out.println("VmImageTest skipped: " + tool + " is missing (make deps installs it as root)");
            }
            assumeTrue(present, tool + " is needed to build and boot TARGET=xen");
        }
    }

    /** Builds (once per test class) the image with {@code keys} into tmp/LABEL-xen. */
    private static synchronized Path buildImage(String label, Map<String, String> keys) throws IOException {
        Path out = tmp.resolve(label);
        Path image = out.resolveSibling(label + "-xen");
        if (Files.isRegularFile(image.resolve("run-qemu.sh"))) {
            return image;
        }
        Map<String, String> all = new java.util.TreeMap<>(keys);
        all.putAll(Map.of("TARGET", "xen", "PORT", "80"));
        Project.configureAndBuild("www", out, all);
        for (String file : List.of("vmlinuz", "www.xl", "run-qemu.sh")) {
            assertTrue(Files.isRegularFile(image.resolve(file)), "make build writes " + file);
        }
        // The root file system's file depends on the kernel (an initramfs, or a squashfs image
        // the small kernel copies into a RAM disk): the xl config names it.
        String ramdisk = Files.readAllLines(image.resolve("www.xl")).stream()
                .filter(line -> line.startsWith("ramdisk = "))
                .map(line -> line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')))
                .findFirst().orElseThrow(() -> new AssertionError("www.xl names no ramdisk"));
        assertTrue(Files.isRegularFile(image.resolve(Path.of(ramdisk).getFileName())), "make build writes " + ramdisk);
        return image;
    }

    @Test
    @Timeout(480)
    void directStackWithDhcpServesEveryFileRunsAloneAndPowersOffOnThePowerButton() throws Exception {
        Path image = buildImage("direct-dhcp", Map.of("FS", "crunch", "NET", "direct", "DHCP", "true"));
        int port = RunningAppliance.freePort();
        try (QemuVm vm = QemuVm.boot(image, port, "", tmp)) {
            servesEveryFile(vm, port);
            String console = vm.console();
            assertTrue(console.contains("Run /opt/morgana/runtime/bin/java as init process"), console);
            assertTrue(console.contains("morgana init: pid 1,"), console);
            assertTrue(console.contains("morgana init: processes [1] "), "only init runs: " + console);
            assertTrue(console.contains("eth0 up with no kernel address: the from-scratch stack drives it (DHCP)"), console);
            // QEMU's user network hands out its first address, 10.0.2.15.
            assertTrue(console.contains("10.0.2.15"), "the DHCP lease is logged: " + console);

            vm.monitor("system_powerdown");
            assertTrue(vm.awaitExit(Duration.ofSeconds(90)), "QEMU ends after the power button:\n" + vm.console());
            console = vm.console();
            assertTrue(console.contains("power button pressed"), console);
            assertTrue(console.contains("www: stopping"), "the appliance stops gracefully: " + console);
            assertTrue(console.contains("morgana init: stopped cleanly (status 0): powering the VM off"), console);
            assertTrue(console.contains("reboot: Power down"), console);
            assertFalse(console.contains("Attempted to kill init"), "PID 1 never exits: " + console);
        }
    }

    @Test
    @Timeout(480)
    void fatImageOverTheKernelStackIsReadFromTheVirtioDisk() throws Exception {
        Path image = buildImage("fat-socket", Map.of("FS", "fat", "NET", "socket"));
        assertTrue(Files.isRegularFile(image.resolve("htdocs.img")), "the site image is the VM's disk");
        assertTrue(Files.readString(image.resolve("www.xl")).contains("vdev=xvdb,access=ro"), "xl attaches it as xvdb");
        int port = RunningAppliance.freePort();
        try (QemuVm vm = QemuVm.boot(image, port, "", tmp)) {
            servesEveryFile(vm, port);
            String console = vm.console();
            assertTrue(console.contains("morgana init: data/htdocs.img is /dev/vda"), console);
            assertTrue(console.contains("eth0 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2"), console);
        }
    }

    @Test
    @Timeout(480)
    void directStackTakesItsStaticAddressFromTheBootKeys() throws Exception {
        Path image = buildImage("direct-static", Map.of("FS", "crunch", "NET", "direct"));
        int port = RunningAppliance.freePort();
        // Not the configured 10.0.2.15: the boot key must reach the from-scratch stack.
        try (QemuVm vm = QemuVm.boot(image, port, "morgana.IP=10.0.2.20", "10.0.2.20", tmp)) {
            servesEveryFile(vm, port);
            assertTrue(vm.console().contains("eth0 up with no kernel address: the from-scratch stack drives it "
                    + "(10.0.2.20 netmask 255.255.255.0 gateway 10.0.2.2)"), vm.console());
        }
    }

    @Test
    @Timeout(480)
    void crunchImageOverTheKernelStackServesEveryFile() throws Exception {
        Path image = buildImage("crunch-socket", Map.of("FS", "crunch", "NET", "socket"));
        int port = RunningAppliance.freePort();
        try (QemuVm vm = QemuVm.boot(image, port, "", tmp)) {
            servesEveryFile(vm, port);
            assertTrue(vm.console().contains("eth0 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2"), vm.console());
        }
    }

    @Test
    @Timeout(480)
    void aBadBootKeyPowersTheVmOffWithAFailureStatus() throws Exception {
        // BootKeysTest covers the checks themselves; this boot shows what the console says.
        Path image = buildImage("crunch-socket", Map.of("FS", "crunch", "NET", "socket"));
        try (QemuVm vm = QemuVm.boot(image, RunningAppliance.freePort(), "morgana.NETMASK=255.255.255.300", tmp)) {
            assertTrue(vm.awaitExit(BOOT), "a bad key stops the VM:\n" + vm.console());
            String console = vm.console();
            assertTrue(console.contains("morgana: boot error: bad value '255.255.255.300' for boot key NETMASK"), console);
            assertTrue(console.contains("morgana: stopping the VM with a failure status (1): powering it off"), console);
            assertTrue(console.contains("reboot: Power down"), console);
            assertFalse(console.contains("Attempted to kill init"), "PID 1 never exits: " + console);
            assertFalse(console.contains("http: listening"), console);
        }
    }

    private static void servesEveryFile(QemuVm vm, int port) throws Exception {
        assertTrue(vm.awaitConsole("http: listening on port 80", BOOT), "the appliance starts:\n" + vm.console());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        List<Path> files;
        try (var walk = Files.walk(Project.HTDOCS)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertTrue(files.size() >= 10, "the example site: " + files);
        for (Path file : files) {
            String path = urlPath(file);
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode(), path);
            assertArrayEquals(Files.readAllBytes(file), response.body(), path);
        }
    }

    private static String urlPath(Path file) {
        String relative = Project.HTDOCS.relativize(file).toString();
        return "/" + Arrays.stream(relative.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
