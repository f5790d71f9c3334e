package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SmallKernelTest {

    private static Set<String> fragmentLines() throws Exception {
        return new String(SmallKernel.resource(SmallKernel.FRAGMENT), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toSet());
    }

    @Test
    void theFragmentBuildsInWhatTheVmNeedsUnderXenAndQemuWithoutModules() throws Exception {
        Set<String> lines = fragmentLines();
        for (String option : List.of("XEN_PV", "XEN_PVH", "XEN_NETDEV_FRONTEND", "XEN_BLKDEV_FRONTEND", "HVC_XEN",
                "VIRTIO_PCI", "VIRTIO_NET", "VIRTIO_BLK", "SERIAL_8250_CONSOLE", "PACKET", "INET", "UNIX",
                "DEVTMPFS", "TMPFS", "PROC_SYSCTL", "RD_XZ", "KERNEL_XZ", "ACPI_BUTTON", "INPUT_EVDEV")) {
            assertTrue(lines.contains("CONFIG_" + option + "=y"), option + " is built in");
        }
        assertTrue(lines.stream().noneMatch(l -> l.endsWith("=m")), "no option is a module: " + lines);
    }

    @Test
    void theCacheKeyChangesWithTheFragmentOrTheScriptOnly() {
        byte[] script = "make\n".getBytes(StandardCharsets.US_ASCII);
        byte[] fragment = "CONFIG_XEN=y\n".getBytes(StandardCharsets.US_ASCII);
        String key = SmallKernel.cacheKey(script, fragment);
        assertEquals(16, key.length());
        assertEquals(key, SmallKernel.cacheKey(script.clone(), fragment.clone()), "same inputs, same kernel");
        assertNotEquals(key, SmallKernel.cacheKey(script, "CONFIG_XEN=n\n".getBytes(StandardCharsets.US_ASCII)));
        assertNotEquals(key, SmallKernel.cacheKey("make -j2\n".getBytes(StandardCharsets.US_ASCII), fragment));
    }

    @Test
    void theKernelIsTheKeyThenTheEnvironmentThenTheCloudKernel() {
        assertEquals("cloud", XenPackager.kernelChoice(Map.of(), Map.of()));
        assertEquals("small", XenPackager.kernelChoice(Map.of(), Map.of("MORGANA_KERNEL", "small")));
        assertEquals("cloud", XenPackager.kernelChoice(Map.of("KERNEL", "cloud"), Map.of("MORGANA_KERNEL", "small")));
        assertEquals("small", XenPackager.kernelChoice(Map.of("KERNEL", "small"), Map.of()));
        assertEquals("small", XenPackager.kernelChoice(Map.of("KERNEL", ""), Map.of("MORGANA_KERNEL", "small")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> XenPackager.kernelChoice(Map.of(), Map.of("MORGANA_KERNEL", "tiny")));
        assertTrue(bad.getMessage().contains("accepted values are cloud and small"), bad.getMessage());
    }
}
