package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ModuleDependenciesTest {

    /** The shape of the cloud kernel's modules.dep for virtio-net, as depmod writes it. */
    private static final String DEP = """
            kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
            kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
            kernel/drivers/virtio/virtio_pci_modern_dev.ko:
            kernel/drivers/virtio/virtio_ring.ko:
            kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
            kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
            kernel/net/core/failover.ko:
            kernel/drivers/net/xen-netfront.ko:
            """;

    @Test
    void dependenciesComeBeforeTheModulesThatNeedThemEachOnce() {
        List<String> order = new ModuleDependencies(DEP).loadOrder(List.of("virtio_pci", "virtio_net", "xen-netfront"));
        assertEquals(List.of(
                "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
                "kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_pci.ko",
                "kernel/net/core/failover.ko",
                "kernel/drivers/net/net_failover.ko",
                "kernel/drivers/net/virtio_net.ko",
                "kernel/drivers/net/xen-netfront.ko"), order);
    }

    @Test
    void namesUseUnderscoresLikeTheKernel() {
        assertEquals("xen_netfront", ModuleDependencies.nameOf("kernel/drivers/net/xen-netfront.ko"));
        assertEquals("virtio_net", ModuleDependencies.nameOf("kernel/drivers/net/virtio_net.ko.xz"));
    }

    @Test
    void anUnknownModuleOrABadLineIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new ModuleDependencies(DEP).loadOrder(List.of("nope")));
        assertThrows(IllegalArgumentException.class, () -> new ModuleDependencies("no colon here\n"));
    }

    @Test
    void aDependencyCycleIsAnErrorNotAnEndlessWalk() {
        String cycle = "a.ko: b.ko\nb.ko: a.ko\n";
        assertThrows(IllegalArgumentException.class, () -> new ModuleDependencies(cycle).loadOrder(List.of("a")));
    }
}
