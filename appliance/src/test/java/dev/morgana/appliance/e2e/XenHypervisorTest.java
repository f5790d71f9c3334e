package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TARGET=xen on the real Xen 4.17 hypervisor (Debian's xen-hypervisor-4.17-amd64), nested in QEMU
 * with software emulation: a dom0 built from Debian packages by xen-runtime/src/test/xen/xen-test.sh
 * runs {@code xl create} of the image's own xl config (NET=direct, static address 10.9.0.2 on the
 * bridge xenbr0), fetches every site file from the guest over netfront (the sha256 of each body is
 * reported on the console and compared here with the file's), then {@code xl shutdown -w}: the
 * appliance stops gracefully and the VM powers off with status 0.
 *
 * <p>Slow (several minutes on 2 cores, most of it emulated Xen and dom0), so it runs only when
 * MORGANA_XEN_TESTS=1, as {@code make test} and {@code make test-xen} set it.
 */
class XenHypervisorTest {

    private static final long RUN_SECONDS = 900;

    @TempDir
    static Path tmp;

    @Test
    @Timeout(1500)
    void xlCreateServesEveryFileOverNetfrontAndXlShutdownPowersTheGuestOff() throws Exception {
        boolean wanted = "1".equals(System.getenv("MORGANA_XEN_TESTS"));
        if (!wanted) {
            System.out.println("XenHypervisorTest: runs with make test or make test-xen (MORGANA_XEN_TESTS=1): several minutes");
        }
        assumeTrue(wanted, "the real-Xen boot runs with make test or make test-xen");
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(root, "XenHypervisorTest needs root (dpkg-deb -x keeps Xen's setuid-free tools, QEMU, ldd)");
        for (String tool : List.of("qemu-system-x86_64", "apt-get", "dpkg-deb", "busybox", "bash", "ip", "flock", "gunzip")) {
            boolean present = Commands.available(tool) || Files.isExecutable(Path.of("/bin", tool))
                    || Files.isExecutable(Path.of("/usr/sbin", tool));
            if (!present) {
                System.out.println("XenHypervisorTest skipped: " + tool + " is missing (make deps installs it as root)");
            }
            assumeTrue(present, tool + " is needed");
        }

        Path out = tmp.resolve("www");
        Project.configureAndBuild("www", out, Map.of("TARGET", "xen", "FS", "crunch", "NET", "direct", "PORT", "80",
                "IP", "10.9.0.2", "NETMASK", "255.255.255.0", "GATEWAY", "10.9.0.1"));
        Path image = tmp.resolve("www-xen");
        Map<String, String> expected = new LinkedHashMap<>();
        try (var walk = Files.walk(Project.HTDOCS)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                expected.put(urlPath(file), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        assertTrue(expected.size() >= 10, "the example site: " + expected.keySet());
        Path paths = tmp.resolve("paths");
        Files.writeString(paths, String.join("\n", expected.keySet()) + "\n");

        Path work = tmp.resolve("work");
        Commands.Result run = Commands.run(Map.of(), RUN_SECONDS + 60, List.of("bash",
                Project.ROOT.resolve("xen-runtime/src/test/xen/xen-test.sh").toString(), image.toString(),
                paths.toString(), Project.ROOT.resolve("build/xen-test").toString(), work.toString(),
                Long.toString(RUN_SECONDS)));
        String console = Files.isRegularFile(work.resolve("console.log"))
                ? Files.readString(work.resolve("console.log"), StandardCharsets.ISO_8859_1) : "";
        String report = "harness status " + run.status() + "\n" + run.output() + "\n" + console;
        System.out.println(console.lines().filter(l -> l.contains("XENTEST") || l.contains("morgana"))
                .collect(Collectors.joining("\n", "XenHypervisorTest console:\n", "")));

        assertTrue(console.contains("XENTEST xl create status 0"), report);
        assertTrue(console.contains("XENTEST guest serving"), report);
        List<String> wrong = new ArrayList<>();
        expected.forEach((path, sha) -> {
            if (!console.contains("XENTEST FETCH " + path + " " + sha + " ")) {
                wrong.add(path);
            }
        });
        assertTrue(wrong.isEmpty(), "fetched byte-exact over netfront, except " + wrong + ":\n" + report);
        assertTrue(console.contains("morgana init: eth0 up with no kernel address: the from-scratch stack drives it"
                + " (10.9.0.2 netmask 255.255.255.0 gateway 10.9.0.1)"), report);
        assertTrue(console.contains("morgana init: processes [1] "), report);
        assertTrue(console.contains("XENTEST xl shutdown status 0"), report);
        assertTrue(console.contains("www: stopping"), "xl shutdown stops the appliance gracefully:\n" + report);
        assertTrue(console.contains("morgana init: stopped cleanly (status 0): powering the VM off"), report);
        assertFalse(console.contains("Attempted to kill init"), report);
        assertTrue(console.contains("XENTEST DONE"), report);
    }

    private static String urlPath(Path file) {
        String relative = Project.HTDOCS.relativize(file).toString();
        return "/" + Arrays.stream(relative.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
