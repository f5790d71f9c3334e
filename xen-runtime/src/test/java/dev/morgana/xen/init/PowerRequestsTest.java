package dev.morgana.xen.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PowerRequestsTest {

    /** A JVM that refuses its options would leave xl shutdown waiting without a word: check they start one. */
    @Test
    @Timeout(60)
    void theStopJvmOptionsStartAJvm() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(PowerRequests.STOP_JVM_OPTIONS);
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, process.waitFor(50, TimeUnit.SECONDS), out);
        assertEquals(0, process.exitValue(), out);
    }
}
