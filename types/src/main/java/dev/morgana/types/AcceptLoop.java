package dev.morgana.types;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The accept loop of a listener on kernel sockets, one policy for all of them (the socket
 * stack's {@link Tcpv4#listen} and servers that accept on {@link SelectableTcpv4#bind}'s
 * channel): accept until the channel is closed; when an accept fails otherwise, typically with
 * EMFILE (no descriptor left), report it and pause {@link #BACKOFF} before trying again, so a
 * descriptor shortage slows the listener down instead of stopping it or spinning a core.
 */
public final class AcceptLoop {

    /** The pause after a failed accept: long enough not to spin, short enough to recover soon. */
    public static final Duration BACKOFF = Duration.ofMillis(50);

    private AcceptLoop() {}

    /** {@link #run(ServerSocketChannel, Consumer, String, Time, Consumer)} with real sleeping. */
    public static void run(ServerSocketChannel server, Consumer<String> log, String what,
                           Consumer<SocketChannel> accepted) {
        run(server, log, what, Time.system(), accepted);
    }

    /**
     * Accepts connections from {@code server}, in blocking mode, and gives each to
     * {@code accepted} on the calling thread, until the channel is closed (returns then). A
     * failed accept is reported to {@code log} (typically a {@link Console}'s) as
     * "{@code what} failed: reason", then followed by a pause of {@link #BACKOFF} on
     * {@code time}. An interrupt ends the loop: the next accept closes the channel.
     */
    public static void run(ServerSocketChannel server, Consumer<String> log, String what, Time time,
                           Consumer<SocketChannel> accepted) {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return; // closed, also by an interrupt (ClosedByInterruptException)
            } catch (IOException e) {
                log.accept(what + " failed: " + e.getMessage());
                pause(time);
                continue;
            }
            accepted.accept(channel);
        }
    }

    private static void pause(Time time) {
        try {
            time.sleep(BACKOFF);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the next accept sees it and ends the loop
        }
    }
}
