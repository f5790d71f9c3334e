package dev.morgana.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.morgana.tcpip.socket.SocketStackV4;
import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoTest {

    @Test
    void echoesWhatItReceivesUntilEndOfStream() throws Exception {
        Console console = Console.of("quiet", line -> {});
        Ipv4Address loopback = Ipv4Address.parse("127.0.0.1");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (SocketStackV4 stack = new SocketStackV4(console, loopback)) {
            Thread server = Thread.ofVirtual().start(() -> {
                try {
                    new Echo(console, stack, port).run();
                } catch (InterruptedException e) {
                    // stopped by the test
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Flow flow = connectWhenListening(stack, loopback, port);
            byte[] message = "ping through the echo appliance".getBytes(StandardCharsets.UTF_8);
            flow.write(ByteBuffer.wrap(message));
            flow.shutdownOutput();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64);
            int n;
            while ((n = flow.read(buffer)) >= 0) {
                got.write(buffer.array(), 0, n);
                buffer.clear();
            }
            flow.close();
            assertArrayEquals(message, got.toByteArray());
            server.interrupt();
            server.join();
        }
    }

    private static Flow connectWhenListening(SocketStackV4 stack, Ipv4Address address, int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return stack.tcpv4().connect(address, port);
            } catch (java.io.IOException e) {
                if (attempt > 100) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
