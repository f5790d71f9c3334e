package dev.morgana.http;

import dev.morgana.site.StaticSite;
import dev.morgana.types.Console;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rough manual load probe (not a test, no assertions): serves a 1 KB page with the static
 * site over loopback and hammers it with keep-alive clients for a few seconds, printing
 * requests per second. Run: java -cp ... dev.morgana.http.LoadProbe [connections] [seconds].
 */
public final class LoadProbe {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        MiniStore store = new MiniStore().put("index.html", "x".repeat(1024));
        Console console = Console.of("probe", System.err::println);
        var sockets = TestSupport.loopbackSockets(console);
        Http1Server server = new Http1Server(console, sockets.tcpv4(), 0, HttpOptions.defaults().withAccessLog(false));
        Thread serving = Thread.ofVirtual().start(() -> {
            try {
                new StaticSite(console, store, server).run();
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        int port = server.awaitPort(Duration.ofSeconds(5));
        byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[8192];
                    while (System.nanoTime() < end) {
                        out.write(request);
                        int got = 0;
                        int need = -1;
                        while (need < 0 || got < need) {
                            int n = in.read(buf, got, buf.length - got);
                            if (n < 0) {
                                return;
                            }
                            got += n;
                            if (need < 0) {
                                String text = new String(buf, 0, got, StandardCharsets.ISO_8859_1);
                                int headEnd = text.indexOf("\r\n\r\n");
                                if (headEnd >= 0) {
                                    int cl = text.indexOf("Content-Length: ");
                                    int len = Integer.parseInt(text.substring(cl + 16, text.indexOf('\r', cl)));
                                    need = headEnd + 4 + len;
                                }
                            }
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        System.out.printf("%d connections, %d s: %d requests, %.0f req/s%n", connections, seconds, done.get(),
                done.get() / (double) seconds);
        server.close();
        serving.join();
        sockets.close();
    }
}
