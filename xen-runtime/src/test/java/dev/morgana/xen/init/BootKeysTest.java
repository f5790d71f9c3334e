package dev.morgana.xen.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BootKeysTest {

    private static final Map<String, String> CONFIGURED = Map.of("FS", "crunch", "NET", "socket", "PORT", "80");

    @Test
    void withoutBootKeysTheVmDefaultsAndConfiguredKeysApply() {
        SortedMap<String, String> keys = BootKeys.resolve(CONFIGURED, "console=ttyS0 panic=-1 -- @/etc/morgana/init.args\n");
        assertEquals("10.0.2.15", keys.get("IP"));
        assertEquals("10.0.2.2", keys.get("GATEWAY"));
        assertEquals("80", keys.get("PORT"));
        assertEquals("auto", keys.get("DISK"));
    }

    @Test
    void commandLineKeysOverrideTheVmKeys() {
        SortedMap<String, String> keys = BootKeys.resolve(CONFIGURED,
                "console=hvc0 morgana.IP=10.9.0.2 morgana.GATEWAY=10.9.0.1 morgana.DISK=xvdb -- @x");
        assertEquals("10.9.0.2", keys.get("IP"));
        assertEquals("10.9.0.1", keys.get("GATEWAY"));
        assertEquals("xvdb", keys.get("DISK"));
        assertEquals("255.255.255.0", keys.get("NETMASK"));
    }

    @Test
    void wordsAfterTheDoubleDashBelongToInitAndAreIgnored() {
        assertEquals("10.0.2.15", BootKeys.resolve(CONFIGURED, "-- morgana.IP=1.2.3.4").get("IP"));
    }

    @Test
    void aConfiguredKeyMayBeRepeatedButNotChanged() {
        assertEquals("80", BootKeys.resolve(CONFIGURED, "morgana.PORT=80").get("PORT"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BootKeys.resolve(CONFIGURED, "morgana.PORT=81"));
        assertTrue(e.getMessage().contains("PORT was fixed to '80' by make configure"), e.getMessage());
        assertTrue(e.getMessage().contains("make configure PORT=81"), e.getMessage());
    }

    @Test
    void badValuesAndUnknownKeysAreNamedWithWhatIsAccepted() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> BootKeys.resolve(CONFIGURED, "morgana.NETMASK=255.255.255.300"));
        assertEquals("bad value '255.255.255.300' for boot key NETMASK: expected an IPv4 address such as 255.255.255.0",
                bad.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BootKeys.resolve(CONFIGURED, "morgana.COLOUR=red"));
        assertTrue(unknown.getMessage().startsWith("unknown boot key 'COLOUR': accepted are DISK, GATEWAY, IP, NETMASK"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BootKeys.resolve(CONFIGURED, "morgana.IP"));
        assertThrows(IllegalArgumentException.class, () -> BootKeys.resolve(CONFIGURED, "morgana.DISK=../etc"));
        assertThrows(IllegalArgumentException.class, () -> BootKeys.resolve(CONFIGURED, "x".repeat(5000)));
    }

    @Test
    void theKeyFileIsReadBackAsWritten() {
        assertEquals(Map.of("FS", "fat", "PORT", "80"), BootKeys.parseKeyFile("# comment\nFS=fat\nPORT=80\n"));
    }
}
