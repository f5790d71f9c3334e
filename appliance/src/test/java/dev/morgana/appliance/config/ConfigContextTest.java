package dev.morgana.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigContextTest {

    private static final Key<String> FS = Key.choice("FS", "store", "crunch", "crunch", "fat");
    private static final Key<Integer> PORT = Key.integer("PORT", "port", 8080, 1, 65535);

    private static ConfigContext context(Map<String, String> given, Map<String, String> env) {
        return new ConfigContext(given, env::get);
    }

    private static void registerSomething() {
        Dsl.register("t", Dsl.apply(Dsl.foreign("x.Job", Dsl.fn(Dsl.CONSOLE, Dsl.JOB)), Dsl.defaultConsole()));
    }

    @Test
    void commandLineBeatsEnvironmentWhichBeatsDefault() {
        ConfigContext c = context(Map.of("FS", "fat"), Map.of("FS", "crunch", "PORT", "9090"));
        c.evaluate(() -> {
            assertEquals("fat", FS.get());
            assertEquals(9090, PORT.get());
            registerSomething();
        });
        assertEquals(Map.of("FS", "fat", "PORT", "9090"), c.resolvedKeys());
    }

    @Test
    void badValueNamesTheKeyAndTheAcceptedValues() {
        ConfigContext c = context(Map.of("FS", "nope"), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> c.evaluate(FS::get));
        assertEquals("bad value 'nope' for key FS (from the command line): accepted values are crunch, fat", e.getMessage());
    }

    @Test
    void outOfRangeIntegerIsRejectedWithItsRange() {
        ConfigContext c = context(Map.of("PORT", "70000"), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> c.evaluate(PORT::get));
        assertTrue(e.getMessage().contains("integers from 1 to 65535"), e.getMessage());
    }

    @Test
    void unknownKeyNamesItAndListsTheAcceptedKeys() {
        ConfigContext c = context(Map.of("FOO", "1"), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> c.evaluate(() -> {
            FS.get();
            PORT.get();
            registerSomething();
        }));
        assertEquals("unknown key FOO; this configuration accepts: FS, PORT", e.getMessage());
    }

    @Test
    void aConfigThatRegistersNothingIsAnError() {
        ConfigContext c = context(Map.of(), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> c.evaluate(FS::get));
        assertTrue(e.getMessage().contains("registered no job"), e.getMessage());
    }

    @Test
    void keysOutsideAnEvaluationExplainHowToRunConfigs() {
        IllegalStateException e = assertThrows(IllegalStateException.class, FS::get);
        assertTrue(e.getMessage().contains("make configure"), e.getMessage());
    }
}
