package dev.morgana.appliance.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JvmChoiceTest {

    @Test
    void theJvmIsTheKeyThenTheEnvironmentThenTheBuildJdk() {
        assertEquals("jdk", JvmChoice.of(Map.of(), Map.of()));
        assertEquals("jdk", JvmChoice.of(Map.of("JVM", ""), Map.of("MORGANA_JVM", "")));
        assertEquals("small", JvmChoice.of(Map.of(), Map.of("MORGANA_JVM", "small")));
        assertEquals("small", JvmChoice.of(Map.of("JVM", ""), Map.of("MORGANA_JVM", "small")));
        assertEquals("jdk", JvmChoice.of(Map.of("JVM", "jdk"), Map.of("MORGANA_JVM", "small")));
        assertEquals("small-c2", JvmChoice.of(Map.of("JVM", "small-c2"), Map.of()));
    }

    @Test
    void anUnknownJvmIsRefusedNamingTheAcceptedOnes() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> JvmChoice.of(Map.of(), Map.of("MORGANA_JVM", "tiny")));
        assertTrue(bad.getMessage().contains("accepted values are jdk, small, small-c2"), bad.getMessage());
    }

    @Test
    void eachSmallChoiceNamesAVariantTheScriptBuilds() throws Exception {
        String script = new String(SmallJdk.resource(SmallJdk.SCRIPT), java.nio.charset.StandardCharsets.UTF_8);
        assertNull(JvmChoice.variant("jdk"));
        for (String choice : JvmChoice.VALUES) {
            String variant = JvmChoice.variant(choice);
            if (variant != null) {
                assertTrue(script.contains("\n    " + variant + ")"), choice + " -> " + variant + " is a case of the script");
            }
        }
    }

    @Test
    void theBuildJdkLinksItsOwnModulesWithItsOwnJlink() throws Exception {
        JavaModules jdk = JvmChoice.modules("jdk", Path.of("/nonexistent"), line -> {});
        assertEquals(Runtime.version().toString(), jdk.name(), "the name runtimes were always cached by");
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "jlink"), jdk.jlink());
        assertNull(jdk.modulePath());
    }

    @Test
    void aSmallJdkLinksItsJmodsWithItsOwnJlink() {
        JavaModules small = new SmallJdk(Path.of("/cache/minimal-0123456789abcdef"), "minimal").modules();
        assertEquals("small-minimal-0123456789abcdef", small.name());
        assertEquals(Path.of("/cache/minimal-0123456789abcdef/linker/bin/jlink"), small.jlink());
        assertEquals(Path.of("/cache/minimal-0123456789abcdef/jmods"), small.modulePath());
    }
}
