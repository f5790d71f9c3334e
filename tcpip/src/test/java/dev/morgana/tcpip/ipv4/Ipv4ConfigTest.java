package dev.morgana.tcpip.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.morgana.types.Ipv4Address;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Ipv4ConfigTest {

    private static String error(String ip, String mask, String gateway) {
        return assertThrows(IllegalArgumentException.class, () -> Ipv4Config.parse(ip, mask, gateway)).getMessage();
    }

    @Test
    void parsesTheTutorialDefaults() {
        Ipv4Config c = Ipv4Config.parse("10.0.0.2", "255.255.255.0", "10.0.0.1");
        assertEquals(new Ipv4Config(Ipv4Address.parse("10.0.0.2"), Ipv4Address.parse("255.255.255.0"), Optional.of(Ipv4Address.parse("10.0.0.1"))), c);
        assertEquals(Ipv4Address.parse("10.0.0.255"), c.subnetBroadcast());
        assertEquals(Optional.empty(), Ipv4Config.parse("10.0.0.2", "255.255.255.0", "").gateway());
    }

    @Test
    void errorsNameTheKey() {
        assertEquals("IP: not an IPv4 address: '10.0.0'", error("10.0.0", "255.255.255.0", null));
        assertEquals("NETMASK: not an IPv4 address: '255.255.255.256'", error("10.0.0.2", "255.255.255.256", null));
        assertEquals("NETMASK: netmask 255.0.255.0 is not contiguous", error("10.0.0.2", "255.0.255.0", null));
        assertEquals("GATEWAY: gateway 10.0.1.1 is outside 10.0.0.2/24", error("10.0.0.2", "255.255.255.0", "10.0.1.1"));
        assertEquals("GATEWAY: not an IPv4 address: 'router'", error("10.0.0.2", "255.255.255.0", "router"));
        assertEquals("IP: 0.0.0.0 is not an address a stack can use (or set DHCP=true)", error("0.0.0.0", "255.255.255.0", null));
        assertEquals("NETMASK: missing", error("10.0.0.2", null, null));
    }
}
