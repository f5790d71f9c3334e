package dev.morgana.examples;

import dev.morgana.types.Console;
import dev.morgana.types.Flow;
import dev.morgana.types.Job;
import dev.morgana.types.StackV4;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP echo service: the smallest server appliance, configured by configs/echo/config.java to
 * show that the config eDSL is not tied to the static site.
 */
public final class Echo implements Job {

    private final Console console;
    private final StackV4 stack;
    private final int port;

    public Echo(Console console, StackV4 stack, int port) {
        this.console = console;
        this.stack = stack;
        this.port = port;
    }

    @Override
    public void run() throws IOException, InterruptedException {
        try (Tcpv4.Listener listener = stack.tcpv4().listen(port, this::echo)) {
            console.log("echo: listening on TCP port " + listener.port());
            new CountDownLatch(1).await(); // serve until interrupted
        }
    }

    private void echo(Flow flow) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        long total = 0;
        int n;
        while ((n = flow.read(buffer)) >= 0) {
            total += n;
            buffer.flip();
            flow.write(buffer);
            buffer.clear();
        }
        flow.shutdownOutput();
        console.log("echo: " + flow.remote() + " sent " + total + " bytes");
    }
}
