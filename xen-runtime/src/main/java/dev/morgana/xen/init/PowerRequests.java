package dev.morgana.xen.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the hypervisor's shutdown request into SIGTERM for the appliance, so it stops gracefully
 * (the JVM's signal handler runs the appliance's shutdown: jobs interrupted, devices closed).
 * The kernel sends PID 1 no signal on its own:
 * <ul>
 * <li>QEMU/ACPI ({@code system_powerdown}): the ACPI power button is an input device; a thread
 *     reads its events and raises SIGTERM on KEY_POWER.</li>
 * <li>Xen ({@code xl shutdown}): the kernel runs {@code /proc/sys/kernel/poweroff_cmd}; it is set
 *     to {@link Init#STOP_PROGRAM}, a program of two system calls that sends SIGTERM to PID 1.</li>
 * </ul>
 */
final class PowerRequests {

    private static final int EVENT_SIZE = 24; // struct input_event on x86_64
    private static final int EV_KEY = 1;
    private static final int KEY_POWER = 116;
    private static final int SIGTERM = 15;

    private PowerRequests() {}

    static void listen() throws IOException {
        Files.writeString(Path.of("/proc/sys/kernel/poweroff_cmd"), Init.STOP_PROGRAM);
        List<Path> devices;
        try (var entries = Files.list(Path.of("/dev/input"))) {
            devices = entries.filter(p -> p.getFileName().toString().startsWith("event")).sorted().toList();
        } catch (IOException none) {
            devices = List.of();
        }
        for (Path device : devices) {
            Thread.ofPlatform().daemon().name("power-button-" + device.getFileName()).start(() -> watch(device));
        }
    }

    private static void watch(Path device) {
        try (InputStream in = Files.newInputStream(device)) {
            byte[] event = new byte[EVENT_SIZE];
            while (in.readNBytes(event, 0, EVENT_SIZE) == EVENT_SIZE) {
                ByteBuffer b = ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN);
                if (b.getShort(16) == EV_KEY && b.getShort(18) == KEY_POWER && b.getInt(20) == 1) {
                    Init.log("init: power button pressed at uptime " + Init.uptime() + " s: stopping the appliance");
                    terminate(ProcessHandle.current().pid());
                    return;
                }
            }
        } catch (IOException e) {
            Init.log("init: stopped watching " + device + ": " + e.getMessage());
        }
    }

    /** kill(pid, SIGTERM). */
    private static void terminate(long pid) {
        try {
            Linux.kill(pid, SIGTERM);
        } catch (IOException e) {
            Init.log("init: could not stop pid " + pid + ": " + e.getMessage());
        }
    }
}
