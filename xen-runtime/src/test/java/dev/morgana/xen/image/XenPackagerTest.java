package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class XenPackagerTest {

    @Test
    void guestMemoryFollowsTheKernelAndWhatTheRootIsMeantFor() {
        assertEquals(256, XenPackager.memoryMb("cloud", SquashfsRoot.Blocks.COMPACT), "the cloud kernel unpacks an initramfs");
        assertEquals(256, XenPackager.memoryMb("cloud", SquashfsRoot.Blocks.LEAN));
        assertEquals(112, XenPackager.memoryMb("small", SquashfsRoot.Blocks.COMPACT), "the build JDK's VM");
        assertEquals(96, XenPackager.memoryMb("small", SquashfsRoot.Blocks.LEAN), "JVM=small, meant for the smallest guests");
    }
}
