package dev.morgana.xen.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LaunchFilesTest {

    @Test
    void theXlConfigNamesKernelRamdiskTheConfiguredAddressMemoryNetworkDiskAndCrashAction() {
        String xl = LaunchFiles.xlConfig("www", Map.of("IP", "10.9.0.2", "GATEWAY", "10.9.0.1"), "htdocs.img", 96,
                LaunchFiles.Root.INITRAMFS);
        for (String line : List.of("name = \"www\"", "type = \"pv\"", "kernel = \"vmlinuz\"",
                "ramdisk = \"initramfs.cpio.xz\"", "memory = 96", "vif = [ 'bridge=xenbr0' ]",
                "disk = [ 'format=raw,vdev=xvdb,access=ro,target=htdocs.img' ]",
                "on_crash = \"destroy\"")) {
            assertTrue(xl.contains(line + "\n"), line + " in\n" + xl);
        }
        assertTrue(xl.contains("extra = \"console=hvc0 panic=-1 morgana.IP=10.9.0.2 morgana.NETMASK=255.255.255.0"
                + " morgana.GATEWAY=10.9.0.1 MALLOC_ARENA_MAX=2 rootfstype=ramfs rdinit=/opt/morgana/runtime/bin/java -- @/etc/morgana/init.args\""), xl);
        assertFalse(LaunchFiles.xlConfig("www", Map.of(), null, 256, LaunchFiles.Root.INITRAMFS).contains("\ndisk ="), "no disk for FS=crunch");
    }

    @Test
    void theQemuScriptForwardsTheHostPortAndAttachesTheDiskOnlyForFat() {
        String script = LaunchFiles.qemuScript("www", "80", "htdocs.img", 96, LaunchFiles.Root.INITRAMFS);
        assertTrue(script.startsWith("#!/bin/sh\n"), script);
        assertTrue(script.contains("-accel tcg"), script);
        assertTrue(script.contains("-m \"${MEMORY:-96}\""), "the guest RAM is the image's: " + script);
        assertTrue(script.contains("hostfwd=tcp:127.0.0.1:${HOST_PORT:-8080}-${GUEST_IP:-}:80"), script);
        assertTrue(script.contains("console=ttyS0 panic=-1 ${KEYS:-} MALLOC_ARENA_MAX=2 rootfstype=ramfs rdinit=/opt/morgana/runtime/bin/java"), script);
        assertTrue(script.contains("file=$here/htdocs.img"), script);
        assertFalse(LaunchFiles.qemuScript("www", "80", null, 256, LaunchFiles.Root.INITRAMFS).contains("-drive"), "no disk for FS=crunch");
    }

    @Test
    void aSquashfsRootIsTheRamdiskMountedReadOnlyFromTheRamDiskWithJavaAsInit() {
        String tail = "MALLOC_ARENA_MAX=2 root=/dev/ram0 rootfstype=squashfs ro init=/opt/morgana/runtime/bin/java -- @/etc/morgana/init.args";
        String xl = LaunchFiles.xlConfig("www", Map.of(), null, 96, LaunchFiles.Root.SQUASHFS);
        assertTrue(xl.contains("ramdisk = \"root.squashfs\"\n"), xl);
        assertTrue(xl.contains(" " + tail + "\"\n"), xl);
        assertFalse(xl.contains("rdinit="), "rdinit is the initramfs's: " + xl);
        String script = LaunchFiles.qemuScript("www", "80", null, 96, LaunchFiles.Root.SQUASHFS);
        assertTrue(script.contains("-initrd \"$here/root.squashfs\""), script);
        assertTrue(script.contains("${KEYS:-} " + tail + "\""), script);
    }

    @Test
    void theInitArgumentsPutTheInitFirstOnTheClassPathAndRunIt() {
        String args = XenPackager.initArgs(List.of("-XX:+UseSerialGC"), List.of(Path.of("build/www/lib/site.jar")));
        assertTrue(args.contains("\n-cp\n/opt/morgana/init:/opt/morgana/app/lib/site.jar\n"), args);
        assertTrue(args.endsWith("\ndev.morgana.xen.init.Init\n"), args);
        assertTrue(args.contains("-Dmorgana.home=/opt/morgana/app\n"), args);
        assertTrue(args.contains("--enable-native-access=ALL-UNNAMED\n"), args);
    }
}
