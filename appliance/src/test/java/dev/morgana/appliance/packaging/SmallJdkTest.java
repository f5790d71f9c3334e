package dev.morgana.appliance.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SmallJdkTest {

    private static String script() throws Exception {
        return new String(SmallJdk.resource(SmallJdk.SCRIPT), StandardCharsets.UTF_8);
    }

    /** The value of a {@code name=value} line of the script. */
    private static String setting(String script, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "=(\\S+)").matcher(script);
        assertTrue(m.find(), name + " is set");
        return m.group(1).replace("\"", "");
    }

    @Test
    void theCacheKeyChangesWithTheScriptOrTheVariantOnly() {
        byte[] script = "make\n".getBytes(StandardCharsets.US_ASCII);
        String key = SmallJdk.cacheKey(script, "minimal");
        assertEquals(16, key.length());
        assertEquals(key, SmallJdk.cacheKey(script.clone(), "minimal"), "same inputs, same JDK");
        assertNotEquals(key, SmallJdk.cacheKey(script, "c2"));
        assertNotEquals(key, SmallJdk.cacheKey("make -j2\n".getBytes(StandardCharsets.US_ASCII), "minimal"));
        // the separator keeps script and variant apart: "ab"+"c" is not "a"+"bc"
        assertNotEquals(SmallJdk.cacheKey("ab".getBytes(StandardCharsets.US_ASCII), "c"),
                SmallJdk.cacheKey("a".getBytes(StandardCharsets.US_ASCII), "bc"));
    }

    @Test
    void theSourceIsPinnedAndTheStampsFixedSoBuildsRepeat() throws Exception {
        String script = script();
        assertTrue(setting(script, "version").matches("\\d+\\.\\d+\\.\\d+.*-\\d+.*"), "a full Debian version");
        assertTrue(setting(script, "version").startsWith(setting(script, "upstream")), "the Debian version of that upstream");
        assertTrue(setting(script, "source_date").matches("\\d+"), "a fixed epoch, not 'current'");
        assertTrue(setting(script, "orig_sha256").matches("[0-9a-f]{64}"), "the tarball's digest is pinned too");
        assertTrue(script.contains("sha256sum -c"), "and checked");
        for (String option : new String[] {"--with-source-date=\"$source_date\"", "--with-version-opt=morgana",
                "--with-build-user=morgana", "--with-native-debug-symbols=none", "--enable-headless-only",
                "--with-jvm-variants=server", "--with-zlib=system"}) {
            assertTrue(script.contains(option), option);
        }
        assertTrue(!script.contains("://"), "no download address: the archive comes from the machine's apt sources");
    }

    /** A variant's features, as the script lists them (sorted, as configure's spec.gmk does). */
    private static String features(String variant) throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*" + variant + "\\)\\s*features=\"([^\"]+)\"").matcher(script());
        assertTrue(m.find(), variant + " is a variant");
        return m.group(1);
    }

    @Test
    void theMinimalVariantHasC1TheSerialCollectorAndCdsAndWhatCdsNeeds() throws Exception {
        // cds: the AOT cache; serialgc: the launcher runs -XX:+UseSerialGC; g1gc: HotSpot 26's CDS needs it to compile
        assertEquals("cds compiler1 g1gc serialgc", features("minimal"));
        assertEquals("cds compiler1 compiler2 g1gc serialgc", features("c2"));
    }

    @Test
    void everyFeatureNotChosenIsDisabledSoNoDefaultSneaksIn() throws Exception {
        String script = script();
        Matcher all = Pattern.compile("all_features=\"([^\"]+)\"").matcher(script);
        assertTrue(all.find());
        java.util.List<String> known = java.util.Arrays.asList(all.group(1).split("\\s+"));
        for (String feature : new String[] {"compiler2", "epsilongc", "jfr", "jvmci", "jvmti", "management",
                "parallelgc", "services", "shenandoahgc", "vm-structs", "zgc"}) {
            assertTrue(known.contains(feature), feature + " is turned off unless a variant names it");
        }
        for (String feature : features("c2").split(" ")) {
            assertTrue(known.contains(feature), feature + " is a feature configure knows");
        }
        assertTrue(script.contains("JVM_FEATURES_server"), "the script checks what configure chose");
    }

    @Test
    void theBuiltModulesIncludeWhatTheLinkerRuntimeNeeds() throws Exception {
        String modules = script().lines().filter(l -> l.startsWith("modules=")).findFirst().orElseThrow();
        for (String module : new String[] {"java.base", "java.logging", "jdk.unsupported"}) {
            assertTrue(modules.contains(module), module);
        }
        String linker = script().lines().filter(l -> l.startsWith("linker_modules=")).findFirst().orElseThrow();
        for (String module : new String[] {"jdk.jlink", "jdk.jdeps", "jdk.compiler", "jdk.internal.opt"}) {
            assertTrue(linker.contains(module), module + ": jdk.jlink requires it");
        }
    }
}
