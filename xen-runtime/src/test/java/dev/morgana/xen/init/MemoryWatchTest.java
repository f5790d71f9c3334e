package dev.morgana.xen.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MemoryWatchTest {

    @Test
    void readsTheKilobytesOfTheNamedLineOnly() {
        String meminfo = "MemTotal:          83412 kB\nMemFree:           20000 kB\nMemAvailable:      51234 kB\n";
        assertEquals(51234, MemoryWatch.parse(meminfo, "MemAvailable:"));
        assertEquals(83412, MemoryWatch.parse(meminfo, "MemTotal:"));
        assertEquals(-1, MemoryWatch.parse(meminfo, "RssAnon:"));
        assertEquals(-1, MemoryWatch.parse("RssAnon:\tlots kB\n", "RssAnon:"));
        assertEquals(17000, MemoryWatch.parse("Name:\tjava\nRssAnon:\t   17000 kB\n", "RssAnon:"));
    }

    @Test
    void readsCountersOfVmstatWhoseKeyHasNoColon() {
        String vmstat = "pgmajfault_extra 7\npgfault 99000\npgmajfault 4321\n";
        assertEquals(4321, MemoryWatch.parse(vmstat, "pgmajfault "));
        assertEquals(99000, MemoryWatch.parse(vmstat, "pgfault "));
    }
}
