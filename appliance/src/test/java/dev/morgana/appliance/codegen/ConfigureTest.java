package dev.morgana.appliance.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.appliance.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigureTest {

    /** The project root, where the real configs live (tests run in appliance/). */
    static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private Path writeConfig(String app, String source) throws IOException {
        Path dir = tmp.resolve("configs").resolve(app);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("config.java"), source);
    }

    @Test
    void illTypedGraphIsACompileErrorOfTheConfigNamingItsLine() throws IOException {
        writeConfig("bad", """
                import static dev.morgana.appliance.config.Dsl.*;

                void main() {
                    var console = defaultConsole();
                    var echo = foreign("dev.morgana.examples.Echo", fn(CONSOLE, STACKV4, INT, JOB), "examples");
                    register("bad", apply(echo, console, crunch("htdocs"), value(1)));
                }
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> Configure.run(tmp, "bad", tmp.resolve("out"), Map.of(), k -> null));
        assertTrue(e.getMessage().startsWith("the config does not compile:"), e.getMessage());
        assertTrue(e.getMessage().contains("config.java:6:"), e.getMessage());
        assertTrue(e.getMessage().contains("KvRo"), e.getMessage());
    }

    @Test
    void unknownValueOfTheRealWebsiteConfigIsRejectedNamingKeyAndAcceptedValues() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Configure.run(PROJECT, "www", tmp.resolve("out"), Map.of("FS", "nope"), k -> null));
        assertTrue(e.getMessage().startsWith("bad value 'nope' for key FS"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted values are crunch"), e.getMessage());
    }

    @Test
    void unknownKeyOfTheRealWebsiteConfigIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Configure.run(PROJECT, "www", tmp.resolve("out"), Map.of("COLOUR", "red"), k -> null));
        assertTrue(e.getMessage().startsWith("unknown key COLOUR; this configuration accepts: "), e.getMessage());
        assertTrue(e.getMessage().contains("FS") && e.getMessage().contains("PORT"), e.getMessage());
    }

    @Test
    void missingAppListsTheAvailableOnes() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Configure.run(PROJECT, "nosuch", tmp.resolve("out"), Map.of(), k -> null));
        assertTrue(e.getMessage().contains("available: echo, udp-logger, www"), e.getMessage());
    }

    @Test
    void websiteConfigGeneratesMainAndManifestDeterministically() throws IOException {
        Configure.Result first = Configure.run(PROJECT, "www", tmp.resolve("a"), Map.of("PORT", "8081"), k -> null);
        Configure.Result second = Configure.run(PROJECT, "www", tmp.resolve("b"), Map.of("PORT", "8081"), k -> null);
        assertArrayEquals(Files.readAllBytes(first.mainSource()), Files.readAllBytes(second.mainSource()));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(Manifest.FILE_NAME)),
                Files.readAllBytes(tmp.resolve("b").resolve(Manifest.FILE_NAME)));
        String main = Files.readString(first.mainSource());
        assertTrue(main.contains("new Http1Server(console, tcp, 8081)"), main);
        assertTrue(main.contains(" NET=socket ") && main.contains(" PORT=8081 ") && main.contains("// Keys: "), main);
        assertEquals("www", Manifest.read(tmp.resolve("a")).name());
        Map<String, String> keys = Manifest.read(tmp.resolve("a")).keys();
        assertEquals(first.manifest().keys(), keys);
        for (var expected : Map.of("FS", "crunch", "HTDOCS", "htdocs-example/target/htdocs", "NET", "socket", "PORT", "8081",
                "TARGET", "unix", "TLS", "off", "DHCP", "false", "IP", "10.0.0.2").entrySet()) {
            assertEquals(expected.getValue(), keys.get(expected.getKey()), "key " + expected.getKey() + " in " + keys);
        }
    }
}
