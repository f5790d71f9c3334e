package dev.morgana.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StdoutConsoleTest {

    @Test
    void concurrentLinesNeverInterleave() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdoutConsole console = new StdoutConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String line = "x".repeat(500);
        List<Thread> threads = new ArrayList<>();
        IntStream.range(0, 16).forEach(i -> threads.add(Thread.ofVirtual().start(() -> {
            for (int j = 0; j < 50; j++) {
                console.log(line);
            }
        })));
        for (Thread t : threads) {
            t.join();
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(16 * 50 + 1, lines.length);
        for (int i = 0; i < 16 * 50; i++) {
            assertEquals(line, lines[i]);
        }
        assertEquals("", lines[16 * 50]);
    }
}
