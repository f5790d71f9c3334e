package dev.morgana.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The second config (a TCP echo job) builds and runs: the eDSL is not tied to the static site. */
@Timeout(600)
class EchoApplianceTest {

    @TempDir
    Path out;

    @Test
    void echoApplianceBuildsRunsAndEchoesBytes() throws Exception {
        int port = RunningAppliance.freePort();
        Path launcher = Project.configureAndBuild("echo", out, Map.of("PORT", Integer.toString(port)));
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        try (RunningAppliance echo = RunningAppliance.start(launcher, port, Duration.ofSeconds(120));
             Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream o = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    o.write(data);
                    socket.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(got);
            }
            writer.join();
            assertArrayEquals(data, got.toByteArray());
            int status = echo.stop();
            assertEquals(0, status, "a clean stop on SIGTERM exits with 0:\n" + echo.output());
            assertTrue(echo.output().contains("echo: listening on TCP port " + port), echo.output());
            assertTrue(echo.output().contains("echo: stopping"), "status " + status + ", output:\n" + echo.output());
        }
    }
}
