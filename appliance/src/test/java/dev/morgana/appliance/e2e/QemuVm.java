package dev.morgana.appliance.e2e;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A VM image booted with its generated run-qemu.sh (software emulation, user networking with a
 * host port forward), its console captured to a file and its QEMU monitor on a Unix socket.
 * {@link #close()} always ends QEMU.
 */
final class QemuVm implements AutoCloseable {

    private final Process process;
    private final Path console;
    private final Path monitor;

    private QemuVm(Process process, Path console, Path monitor) {
        this.process = process;
        this.console = console;
        this.monitor = monitor;
    }

    /**
     * @param image the folder make build wrote (run-qemu.sh, vmlinuz, initramfs.cpio.xz)
     * @param hostPort the host port forwarded to the appliance
     * @param keys extra kernel command line words (boot keys), may be empty
     */
    static QemuVm boot(Path image, int hostPort, String keys, Path workDir) throws IOException {
        return boot(image, hostPort, keys, "", workDir);
    }

    /** As {@link #boot(Path, int, String, Path)}, forwarding to {@code guestIp} (empty: QEMU's 10.0.2.15). */
    static QemuVm boot(Path image, int hostPort, String keys, String guestIp, Path workDir) throws IOException {
        Path console = workDir.resolve("console-" + hostPort + ".log");
        Path monitor = workDir.resolve("monitor-" + hostPort + ".sock");
        List<String> command = new ArrayList<>(List.of(image.resolve("run-qemu.sh").toString(),
                "-monitor", "unix:" + monitor + ",server,nowait"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(console.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(Map.of("HOST_PORT", Integer.toString(hostPort), "KEYS", keys,
                "GUEST_IP", guestIp));
        return new QemuVm(builder.start(), console, monitor);
    }

    /** The console so far, without the firmware's escape sequences. */
    String console() throws IOException {
        return Files.readString(console, StandardCharsets.ISO_8859_1).replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]", "");
    }

    /** Waits until the console shows {@code text}; false if QEMU ended or time ran out first. */
    boolean awaitConsole(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (console().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return console().contains(text);
            }
            Thread.sleep(250);
        }
        return false;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends one command to the QEMU monitor (e.g. system_powerdown: the ACPI power button). */
    void monitor(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(monitor));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            Thread.sleep(1000); // let QEMU read it before the connection goes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to the QEMU monitor", e);
        }
    }

    /** Waits for QEMU to exit; true if it did within {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
