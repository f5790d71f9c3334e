package dev.morgana.tcpip.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TAP's errors name what is missing; the working path is covered by the interop test. */
@Timeout(30)
class TapNetworkTest {

    @Test
    void namesAMissingInterface() {
        IOException e = assertThrows(IOException.class, () -> TapNetwork.open("mgnone0"));
        String m = e.getMessage();
        assertTrue(m.equals("TAP: no network interface named mgnone0 (create it as root: ip tuntap add mgnone0 mode tap && ip link set mgnone0 up)")
                || m.contains("/dev/net/tun does not exist"), m);
    }

    @Test
    void rejectsInvalidNames() {
        IOException e = assertThrows(IOException.class, () -> TapNetwork.open("a-name-far-too-long"));
        assertEquals("TAP: 'a-name-far-too-long' is not a valid interface name (1 to 15 characters)", e.getMessage());
        assertThrows(IOException.class, () -> TapNetwork.open("../lo"));
    }

    @Test
    void saysWhenTheUserMayNotUseTun() throws Exception {
        boolean root = run("id", "-u").trim().equals("0");
        Assumptions.assumeTrue(root && Files.exists(Path.of("/dev/net/tun")) && !run("sh", "-c", "command -v setpriv").isBlank(),
                "needs root, /dev/net/tun and setpriv to run a probe as user nobody");
        String tap = "mgtp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
        // Owned by root: another user may not attach to it even when /dev/net/tun is open to all.
        run("ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", "0");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = String.join(":", location(TapOpenProbe.class), location(TapNetwork.class), location(dev.morgana.types.Network.class));
            String out = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", classpath, TapOpenProbe.class.getName(), tap);
            boolean tunOpenToAll = Files.getPosixFilePermissions(Path.of("/dev/net/tun")).containsAll(
                    Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));
            assertEquals(tunOpenToAll
                    ? "TAP: no permission to attach to " + tap + " (run as root, or create it for this user: ip tuntap add " + tap + " mode tap user $USER)"
                    : "TAP: no permission to open /dev/net/tun (run as root or with CAP_NET_ADMIN)", out.trim());
        } finally {
            run("ip", "link", "del", tap);
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void refusesAnInterfaceThatIsNotATap() throws IOException {
        // Loopback exists everywhere and is no TAP: the kernel refuses to attach to it.
        IOException e = assertThrows(IOException.class, () -> TapNetwork.open("lo"));
        assertTrue(e.getMessage().startsWith("TAP: "), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
    }
}
