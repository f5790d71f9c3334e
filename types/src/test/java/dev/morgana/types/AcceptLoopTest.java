package dev.morgana.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AcceptLoopTest {

    /** A listening channel that plays a script: each accept returns a channel or throws. */
    private static final class ScriptedServer extends ServerSocketChannel {
        private final Deque<Object> script;

        ScriptedServer(List<Object> script) {
            super(SelectorProvider.provider());
            this.script = new ArrayDeque<>(script);
        }

        @Override
        public SocketChannel accept() throws IOException {
            if (Thread.currentThread().isInterrupted()) { // as a real channel does
                close();
                throw new java.nio.channels.ClosedByInterruptException();
            }
            Object next = script.poll();
            if (next == null) { // the script ran out: the server is closed, as by another thread
                close();
                throw new java.nio.channels.AsynchronousCloseException();
            }
            if (next instanceof IOException e) {
                throw e;
            }
            return (SocketChannel) next;
        }

        @Override
        public ServerSocketChannel bind(SocketAddress local, int backlog) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T getOption(SocketOption<T> name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return Set.of();
        }

        @Override
        public ServerSocket socket() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        protected void implCloseSelectableChannel() {}

        @Override
        protected void implConfigureBlocking(boolean block) {}
    }

    @Test
    void failedAcceptsAreReportedAndPausedAndTheLoopGoesOnUntilTheChannelCloses() throws IOException {
        try (SocketChannel first = SocketChannel.open(); SocketChannel second = SocketChannel.open()) {
            ScriptedServer server = new ScriptedServer(List.of(first, new IOException("Too many open files"),
                    new IOException("Too many open files"), second));
            List<String> log = new CopyOnWriteArrayList<>();
            List<Duration> pauses = new ArrayList<>();
            List<SocketChannel> accepted = new ArrayList<>();

            AcceptLoop.run(server, log::add, "tcp: accept on port 80", pauses::add, accepted::add);

            assertEquals(List.of(first, second), accepted);
            assertEquals(List.of("tcp: accept on port 80 failed: Too many open files",
                    "tcp: accept on port 80 failed: Too many open files"), log);
            assertEquals(List.of(AcceptLoop.BACKOFF, AcceptLoop.BACKOFF), pauses);
            assertFalse(server.isOpen());
        }
    }

    @Test
    void anInterruptDuringThePauseIsKeptSoTheNextAcceptEndsTheLoop() throws Exception {
        ScriptedServer server = new ScriptedServer(List.of(new IOException("Too many open files"),
                new IOException("never reached")));
        List<String> log = new CopyOnWriteArrayList<>();
        boolean[] interrupted = {false};
        Thread loop = Thread.ofVirtual().start(() -> {
            AcceptLoop.run(server, log::add, "http: accept", d -> {
                throw new InterruptedException();
            }, c -> {
                throw new AssertionError("nothing to accept");
            });
            interrupted[0] = Thread.currentThread().isInterrupted();
        });
        loop.join();
        assertTrue(interrupted[0], "the interrupt is not swallowed");
        assertEquals(List.of("http: accept failed: Too many open files"), log);
        assertFalse(server.isOpen());
    }

    @Test
    void aRealListenerHandsOverEachConnectionInOrder() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
            Thread loop = Thread.ofVirtual().start(() -> AcceptLoop.run(server, log -> {}, "test: accept",
                    c -> {
                        accepted.add(c);
                        if (accepted.size() == 2) {
                            try {
                                server.close();
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                        }
                    }));
            try (SocketChannel a = SocketChannel.open(server.getLocalAddress());
                 SocketChannel b = SocketChannel.open(server.getLocalAddress())) {
                loop.join();
                assertEquals(2, accepted.size());
                assertEquals(a.getLocalAddress(), accepted.get(0).getRemoteAddress());
                assertEquals(b.getLocalAddress(), accepted.get(1).getRemoteAddress());
            } finally {
                for (SocketChannel c : accepted) {
                    c.close();
                }
            }
        }
    }
}
