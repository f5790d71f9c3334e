package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.tcp.TcpConfig;
import dev.morgana.tcpip.tcp.TcpConnection;
import dev.morgana.tcpip.tcp.TcpState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of connections opened and closed in simulation, by every path a connection can end
 * (FIN from either side first, RST from either side, close with unread data, abort during the
 * handshake, retransmission timeout, keepalive timeout): once TIME_WAIT is over, the stacks hold
 * no connection object at all.
 */
@Timeout(120)
class TcpConnectionLeakTest {

    private enum Path { CLIENT_FIN_FIRST, SERVER_FIN_FIRST, CLIENT_RESET, SERVER_RESET, CLOSE_UNREAD, ABORT_IN_HANDSHAKE }

    private static final TcpConfig CONFIG = TcpConfig.DEFAULT.withTimeWait(Duration.ofSeconds(2))
            .withKeepAlive(new TcpConfig.KeepAlive(true, Duration.ofSeconds(10), Duration.ofSeconds(1), 3));
    private static final int BATCH = 120;
    private static final int BATCHES = 25;

    /** The applications of one batch: read whatever arrives, close once the peer closed. */
    private static final class Apps {
        final List<TcpConnection> all = new ArrayList<>();
        final Set<TcpConnection> closed = new HashSet<>();
        final Set<TcpConnection> notReading = new HashSet<>();
        final ByteBuffer scratch = ByteBuffer.allocate(4096);

        boolean step(long now) {
            boolean did = false;
            for (TcpConnection c : all) {
                if (closed.contains(c) || notReading.contains(c)) {
                    continue;
                }
                scratch.clear();
                did |= c.read(scratch, now) > 0;
                if (c.endOfStream() || c.error() != null) {
                    c.close(now);
                    closed.add(c);
                    did = true;
                }
            }
            return did;
        }

        boolean allClosed() {
            return all.stream().allMatch(c -> c.state() == TcpState.CLOSED || c.state() == TcpState.TIME_WAIT);
        }
    }

    @Test
    void everyClosePathReleasesEveryConnectionObject() throws Exception {
        Hosts hosts = new Hosts();
        StackEngine a = hosts.host(2, 1500, CONFIG);
        StackEngine b = hosts.host(3, 1500, CONFIG);
        StackEngine gone = hosts.host(4, 1500, CONFIG);
        Map<Integer, TcpConnection> accepted = new HashMap<>();
        b.tcp().listen(80, c -> accepted.put(c.remotePort(), c));
        gone.tcp().listen(80, c -> accepted.put(c.remotePort(), c));
        Path[] paths = Path.values();
        Map<Path, Integer> ended = new HashMap<>();
        int opened = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            Apps apps = new Apps();
            hosts.sim.application(() -> apps.step(hosts.sim.now()));
            List<TcpConnection> clients = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                TcpConnection c = a.tcp().connect(Hosts.ip(3), 80, hosts.sim.now());
                opened++;
                clients.add(c);
                apps.all.add(c);
                if (paths[i % paths.length] == Path.ABORT_IN_HANDSHAKE) {
                    c.abort(hosts.sim.now());
                }
            }
            assertTrue(hosts.sim.runUntil(() -> clients.stream().noneMatch(c -> c.state() == TcpState.SYN_SENT), Duration.ofSeconds(5)));
            hosts.sim.runFor(Duration.ofMillis(10));
            for (int i = 0; i < BATCH; i++) {
                Path path = paths[i % paths.length];
                TcpConnection client = clients.get(i);
                if (path == Path.ABORT_IN_HANDSHAKE) {
                    // Its port is free again at once: a later connection of the batch may use it.
                    ended.merge(path, 1, Integer::sum);
                    continue;
                }
                TcpConnection server = accepted.remove(client.localPort());
                assertTrue(server != null && client.state() == TcpState.ESTABLISHED, path + ": established in batch " + batch + ": " + client + " " + server);
                apps.all.add(server);
                long now = hosts.sim.now();
                client.write(ByteBuffer.wrap(new byte[3000]), now);
                server.write(ByteBuffer.wrap(new byte[3000]), now);
                switch (path) {
                    case CLIENT_FIN_FIRST -> client.close(now);
                    case SERVER_FIN_FIRST -> server.close(now);
                    case CLIENT_RESET -> client.abort(now);
                    case SERVER_RESET -> server.abort(now);
                    case CLOSE_UNREAD -> {
                        apps.notReading.add(client);
                        hosts.sim.runFor(Duration.ofMillis(5));
                        client.close(hosts.sim.now()); // unread data: RST
                    }
                    default -> throw new AssertionError(path);
                }
                ended.merge(path, 1, Integer::sum);
            }
            assertTrue(hosts.sim.runUntil(apps::allClosed, Duration.ofSeconds(30)), "batch " + batch + " closes");
        }

        // Timeouts: a peer that vanishes with data outstanding (retransmission timeout) or idle (keepalive).
        List<TcpConnection> doomed = new ArrayList<>();
        Apps apps = new Apps();
        hosts.sim.application(() -> apps.step(hosts.sim.now()));
        for (int i = 0; i < 200; i++) {
            TcpConnection c = a.tcp().connect(Hosts.ip(4), 80, hosts.sim.now());
            opened++;
            doomed.add(c);
            apps.all.add(c);
        }
        assertTrue(hosts.sim.runUntil(() -> doomed.stream().allMatch(c -> c.state() == TcpState.ESTABLISHED), Duration.ofSeconds(5)));
        gone.ipv4().configure(Hosts.config(10), hosts.sim.now());
        for (int i = 0; i < doomed.size(); i += 2) {
            doomed.get(i).write(ByteBuffer.wrap(new byte[5000]), hosts.sim.now());
        }
        assertTrue(hosts.sim.runUntil(() -> doomed.stream().allMatch(c -> c.state() == TcpState.CLOSED), Duration.ofMinutes(20)));
        for (int i = 0; i < doomed.size(); i++) {
            String expected = i % 2 == 0 ? "timed out" : "timed out (keepalive: the peer stopped answering)";
            assertEquals(expected, doomed.get(i).error(), "connection " + i);
        }

        hosts.sim.application(() -> false);
        hosts.sim.runFor(Duration.ofMinutes(5)); // TIME_WAIT and the vanished host's own timers
        assertEquals(BATCHES * BATCH + 200, opened);
        assertEquals(BATCHES * BATCH / paths.length, ended.get(Path.SERVER_RESET));
        assertEquals(0, a.tcp().connectionCount(), "the client stack holds nothing");
        assertEquals(0, b.tcp().connectionCount(), "the server stack holds nothing");
        assertEquals(0, gone.tcp().connectionCount(), "the vanished server holds nothing");
    }
}
