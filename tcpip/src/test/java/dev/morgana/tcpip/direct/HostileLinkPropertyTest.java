package dev.morgana.tcpip.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.Impairments;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many seeded scenarios on a hostile in-memory link: random loss, duplication, reordering,
 * corruption and delay, random datagram sizes (fragmented or not) in both directions. Whatever
 * arrives must be exactly what was sent, and reassembly state must stay bounded and drain by
 * itself. A failure names its seed, which reproduces it alone.
 */
@Timeout(120)
class HostileLinkPropertyTest {

    private static final int SEEDS = 60;

    @Test
    void everyDeliveredDatagramIsIntactAndStateStaysBounded() {
        long delivered = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                delivered += scenario(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " failed (rerun scenario(" + seed + ")): " + e.getMessage(), e);
            }
        }
        assertTrue(delivered > SEEDS * 5, "the scenarios deliver something to check: " + delivered);
    }

    /** Runs one scenario; returns how many datagrams were delivered (and checked). */
    private static int scenario(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Impairments link = new Impairments(r.nextDouble(0.3), r.nextDouble(0.2), r.nextDouble(0.2), r.nextDouble(0.1),
                Duration.ofMillis(r.nextInt(20)), Duration.ofMillis(r.nextInt(20)));
        Hosts hosts = new Hosts(link, seed);
        StackEngine a = hosts.host(2);
        StackEngine b = hosts.host(3);
        Map<Integer, byte[]> sent = new HashMap<>();
        List<byte[]> received = new ArrayList<>();
        for (StackEngine e : List.of(a, b)) {
            e.udp().listen(9000, (src, sport, dport, payload) -> {
                byte[] d = new byte[payload.remaining()];
                payload.get(d);
                received.add(d);
            });
        }
        int count = 20 + r.nextInt(20);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[4 + r.nextInt(r.nextBoolean() ? 1400 : 9000)];
            r.nextBytes(payload);
            ByteBuffer.wrap(payload).putInt(0, i);
            sent.put(i, payload);
            StackEngine from = r.nextBoolean() ? a : b;
            from.udp().send(4000, Hosts.ip(from == a ? 3 : 2), 9000, ByteBuffer.wrap(payload), hosts.sim.now());
            hosts.sim.runFor(Duration.ofMillis(r.nextInt(50)));
        }
        hosts.sim.runFor(Duration.ofSeconds(2));
        for (byte[] d : received) {
            byte[] original = sent.get(ByteBuffer.wrap(d).getInt(0));
            assertArrayEquals(original, d, "a delivered datagram differs from the one sent");
        }
        for (StackEngine e : List.of(a, b)) {
            StackStats s = e.stats();
            assertTrue(s.ipv4().datagramsHeld() <= 16 && s.ipv4().bytesHeld() <= 256 * 1024, s.lines().toString());
            assertEquals(0, s.internalErrors());
        }
        // After 31 s every partial datagram has timed out and the stacks hold nothing.
        hosts.sim.runFor(Duration.ofSeconds(31));
        assertEquals(0, a.stats().ipv4().datagramsHeld() + b.stats().ipv4().datagramsHeld());
        return received.size();
    }
}
