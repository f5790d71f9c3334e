package dev.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class RequestTargetTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "/|/|NULL",
        "/a/b.html|/a/b.html|NULL",
        "/a%20b?x=%2F|/a b|x=%2F",
        "/caf%C3%A9|/caf\u00e9|NULL",
        "/%25|/%|NULL",
        "/a?|/a|''",
        "/docs/|/docs/|NULL",
        "/a//b|/a//b|NULL",
        "/..a/b..|/..a/b..|NULL",
        "http://example.org/p?q|/p|q",
        "HTTP://example.org|/|NULL",
        "https://example.org:8443?x|/|x",
        "*|*|NULL"})
    void resolvesSafeTargets(String target, String path, String query) {
        assertEquals(new RequestTarget(path, query), RequestTarget.parse(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "", "example.org:80", "ftp://x/y", "http:///p", "http://u@x/p", "/a#frag",
        "/../etc/passwd", "/a/../b", "/a/..", "/./a", "/%2e%2e/x", "/%2E%2E", "/a%2fb", "/a%2Fb", "/a%5cb",
        "/a\\b", "/%00", "/a%0d%0a", "/%7f", "/%zz", "/%4", "/%", "/%C3", "/%C0%AE", "/%FF"})
    void rejectsUnsafeOrMalformedTargets(String target) {
        assertNull(RequestTarget.parse(target), target);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "OPTIONS|*|*",
        "GET|*|NULL",
        "HEAD|*|NULL",
        "GET|/a?b|/a",
        "POST|/a|/a",
        "GET|/../a|NULL"})
    void exchangeAnswersAsteriskOnlyForOptions(String method, String target, String path) {
        RequestHead head = new RequestHead(method, target, 1, dev.morgana.types.http.HttpFields.EMPTY,
                new RequestHead.Fixed(0), true);
        RequestTarget resolved = Exchange.target(head);
        assertEquals(path, resolved == null ? null : resolved.path(), method + " " + target);
    }
}
