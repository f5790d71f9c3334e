package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.types.Time;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The handshake deadline, measured on an injected clock: a silent client is cut off on time. */
@Timeout(60)
class HandshakeTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void watchdogFiresOnlyOverdueArmedAlarms() {
        FakeClock clock = new FakeClock();
        try (HandshakeWatchdog watchdog = new HandshakeWatchdog(clock, Time.system(), Duration.ZERO)) {
            AtomicInteger fired = new AtomicInteger();
            watchdog.arm(Duration.ofSeconds(5), fired::incrementAndGet);
            HandshakeWatchdog.Alarm disarmed = watchdog.arm(Duration.ofSeconds(1), fired::incrementAndGet);
            disarmed.disarm();
            clock.advance(Duration.ofMillis(4999));
            assertEquals(0, watchdog.expireDue());
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, watchdog.expireDue());
            assertEquals(0, watchdog.expireDue(), "an alarm fires once");
            assertEquals(1, fired.get());
            assertEquals(0, watchdog.armed());
        }
    }

    @Test
    void silentClientFailsTheHandshakeWithTimeoutOnceTheClockPassesTheDeadline() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Issued a = pki.issue("a", false, false, List.of("a.test"), List.of());
        FakeClock clock = new FakeClock();
        TlsConfig config = TlsConfig.fromPem(a.chain(), a.key(), dev.morgana.types.Clock.system()).withHandshakeTimeout(Duration.ofSeconds(3));
        try (TlsAcceptor acceptor = new TlsAcceptor(config, new SecureRandom(), clock, Time.system(), Duration.ZERO);
                LoopbackSockets sockets = new LoopbackSockets();
                ServerSocketChannel server = sockets.tcp().bind(0);
                SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
            TlsFlow flow = acceptor.wrap(sockets.tcp().adopt(server.accept()));
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                try {
                    flow.handshake();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            while (acceptor.watchdog().armed() == 0) {
                Thread.sleep(5);
            }
            clock.advance(Duration.ofSeconds(2));
            assertEquals(0, acceptor.watchdog().expireDue());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(1, acceptor.watchdog().expireDue());
            ExecutionException e = assertThrows(ExecutionException.class, handshake::get);
            assertTrue(e.getCause() instanceof SocketTimeoutException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("not finished within PT3S"));
            // The client sees its connection closed, and the flow stays failed.
            assertEquals(-1, client.read(ByteBuffer.allocate(16)));
            assertThrows(java.io.IOException.class, () -> flow.read(ByteBuffer.allocate(16)));
            flow.close();
        }
    }
}
