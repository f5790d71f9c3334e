package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccessLogTest {

    @Test
    void hostDropsThePort() {
        assertEquals("10.0.0.1", AccessLog.host("10.0.0.1:5000"));
        assertEquals("::1", AccessLog.host("[::1]:5000"));
        assertEquals("fe80::1", AccessLog.host("fe80::1"));
        assertEquals("unix", AccessLog.host("unix"));
    }

    @Test
    void quotedFieldsCannotForgeLines() {
        TestSupport.ListConsole console = new TestSupport.ListConsole();
        new AccessLog(console, TestSupport.FIXED).log("1.2.3.4:1", "GET /a\" HTTP/1.1", 200, 10,
                "x\ny", "caf\u00e9\\");
        assertEquals(List.of("1.2.3.4 - - [24/Nov/2026:03:35:57 +0000] \"GET /a\\\" HTTP/1.1\" 200 10 "
                + "\"x\\x0ay\" \"caf\\xe9\\\\\""), console.lines);
    }
}
