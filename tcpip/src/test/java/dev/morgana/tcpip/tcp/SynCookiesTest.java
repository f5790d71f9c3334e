package dev.morgana.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.tcpip.netif.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SYN cookies: what a cookie carries comes back, forged or stale ones are refused. */
@Timeout(10)
class SynCookiesTest {

    private static final Tcp.Key KEY = new Tcp.Key(0x0a000002, 40000, 80);
    private static final int LOCAL = 0x0a000003;
    private static final long S = 1_000_000_000L;

    @Test
    void aCookieRoundTripsItsMssAndOptions() {
        SynCookies c = new SynCookies(new SeededRandom(1));
        int bits = SynCookies.optionBits(7, true);
        int cookie = c.cookie(KEY, LOCAL, 0x12345678, 1460, bits, 100 * S);
        SynCookies.Decoded d = c.check(KEY, LOCAL, 0x12345678, cookie, bits, 130 * S);
        assertNotNull(d);
        assertEquals(1460, d.mss());
        assertEquals(7, d.windowScale());
        assertTrue(d.sackPermitted());
        assertTrue(d.timestamps());
        SynCookies.Decoded plain = c.check(KEY, LOCAL, 1, c.cookie(KEY, LOCAL, 1, 1400, 0, 0), 0, 0);
        assertEquals(1360, plain.mss(), "the largest table entry not above the peer's MSS");
        assertEquals(-1, plain.windowScale(), "without timestamps no options survive");
        assertFalse(plain.sackPermitted());
        assertFalse(plain.timestamps());
        assertEquals(64, c.check(KEY, LOCAL, 1, c.cookie(KEY, LOCAL, 1, 20, 0, 0), 0, 0).mss(), "tiny MSS: the smallest entry");
    }

    @Test
    void forgedTamperedAndStaleCookiesAreRefused() {
        SynCookies c = new SynCookies(new SeededRandom(1));
        int bits = SynCookies.optionBits(-1, true);
        int cookie = c.cookie(KEY, LOCAL, 1000, 1460, bits, 0);
        assertNotNull(c.check(KEY, LOCAL, 1000, cookie, bits, 0));
        assertNull(c.check(KEY, LOCAL, 1000, cookie + 1, bits, 0), "another number");
        assertNull(c.check(KEY, LOCAL, 1000, cookie ^ 0x01000000, bits, 0), "another MSS index");
        assertNull(c.check(KEY, LOCAL, 1001, cookie, bits, 0), "another peer ISN");
        assertNull(c.check(new Tcp.Key(0x0a000002, 40001, 80), LOCAL, 1000, cookie, bits, 0), "another port");
        assertNull(c.check(KEY, LOCAL, 1000, cookie, SynCookies.optionBits(14, true), 0), "option bits changed in the echo");
        assertNotNull(c.check(KEY, LOCAL, 1000, cookie, bits, 190 * S), "still valid in the third period");
        assertNull(c.check(KEY, LOCAL, 1000, cookie, bits, 192 * S), "stale after three 64 s periods");
        assertNull(new SynCookies(new SeededRandom(2)).check(KEY, LOCAL, 1000, cookie, bits, 0), "another secret");
        int forged = 0;
        for (int guess = 0; guess < 100_000; guess++) {
            forged += c.check(KEY, LOCAL, 1000, guess * 40_503, bits, 0) != null ? 1 : 0;
        }
        assertTrue(forged <= 1, "a 24-bit MAC: guesses almost never pass, " + forged + " did");
    }
}
