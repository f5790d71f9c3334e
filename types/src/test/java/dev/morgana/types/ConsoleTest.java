package dev.morgana.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    @Test
    void ofHandsEveryLineToItsSinkInOrderAndKeepsItsName() {
        List<String> lines = new ArrayList<>();
        try (Console console = Console.of("memory", lines::add)) {
            console.log("first");
            console.log("");
            console.log("third");
            assertEquals("memory", console.name());
        }
        assertEquals(List.of("first", "", "third"), lines);
    }

    @Test
    void ofRefusesAMissingNameOrSink() {
        assertThrows(NullPointerException.class, () -> Console.of(null, line -> {}));
        assertThrows(NullPointerException.class, () -> Console.of("x", null));
    }
}
