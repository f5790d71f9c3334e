package dev.morgana.tcpip.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TAP's errors name what is missing; the working path is covered by the interop test. */
@Timeout(10)
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
    void refusesAnInterfaceThatIsNotATap() throws IOException {
        // Loopback exists everywhere and is no TAP: the kernel refuses to attach to it.
        IOException e = assertThrows(IOException.class, () -> TapNetwork.open("lo"));
        assertTrue(e.getMessage().startsWith("TAP: "), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
    }
}
