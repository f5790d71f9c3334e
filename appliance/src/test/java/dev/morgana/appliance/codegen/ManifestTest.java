package dev.morgana.appliance.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.appliance.config.BuildStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEveryField() throws IOException {
        Manifest m = new Manifest("www", "configs/www/config.java", new TreeSet<>(List.of("tcpip", "types")),
                List.of(new BuildStep.Crunch(Path.of("htdocs x"), "morgana/htdocs.crunch")), Map.of("PORT", "8080", "FS", "crunch"));
        m.write(dir);
        assertEquals(m, Manifest.read(dir));
    }

    @Test
    void unknownLinesAreRejectedWithTheirLineNumber() throws IOException {
        Files.writeString(dir.resolve(Manifest.FILE_NAME), "name www\nconfig c\nbogus 1\n");
        IOException e = assertThrows(IOException.class, () -> Manifest.read(dir));
        assertTrue(e.getMessage().endsWith(":3: unknown entry 'bogus'"), e.getMessage());
    }

    @Test
    void missingManifestSaysToConfigureFirst() {
        IOException e = assertThrows(IOException.class, () -> Manifest.read(dir));
        assertTrue(e.getMessage().contains("run `make configure` first"), e.getMessage());
    }
}
