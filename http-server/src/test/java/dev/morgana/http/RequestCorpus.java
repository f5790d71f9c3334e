package dev.morgana.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic generator of request heads: valid ones built from the grammar, and mutants
 * of them (bytes inserted, removed or replaced, lines duplicated, smuggling-prone fields added).
 */
final class RequestCorpus {

    private static final String[] METHODS = {"GET", "GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH",
        "M-SEARCH", "X_CUSTOM"};
    private static final String PATH_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
    private static final String VALUE_CHARS = PATH_CHARS + " \t\"/?<>[]{}\\^`|#%";
    private static final String TCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
    private static final String[] NAMES = {"Accept", "Accept-Encoding", "User-Agent", "Cookie", "If-None-Match",
        "Range", "Referer", "X-Forwarded-For", "Cache-Control", "Connection"};
    private static final byte[] INTERESTING = {' ', '\t', '\r', '\n', ':', 0, 0x7f, (byte) 0x80, (byte) 0xff, '"', ',',
        'a', '/', '%', 0x0b, 0x0c};
    private static final String[] SMUGGLING = {
        "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding:\tchunked", "Transfer-Encoding: xchunked", "Transfer-Encoding : chunked",
        "Content-Length: 0", "Content-Length: 00", "Content-Length: -1", "Content-Length: 1e3", "Content-Length:",
        "Host: other", "Host : other", " continued", "\tcontinued", "X:y", ":empty", "X-Bad\u0000: y",
        "Connection: close", "Connection: keep-alive", "Expect: 100-continue"};

    private final Random random;

    RequestCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** The next input: half of them valid, half mutated. */
    byte[] next() {
        byte[] valid = valid();
        return random.nextBoolean() ? valid : mutate(valid);
    }

    byte[] valid() {
        StringBuilder b = new StringBuilder();
        boolean http10 = random.nextInt(5) == 0;
        b.append(pick(METHODS)).append(' ').append(target()).append(http10 ? " HTTP/1.0" : " HTTP/1.1").append("\r\n");
        if (!http10 || random.nextBoolean()) {
            b.append(random.nextBoolean() ? "Host" : "host").append(':').append(ows())
                    .append(random.nextBoolean() ? "example.org" : "127.0.0.1:8080").append(ows()).append("\r\n");
        }
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            String name = random.nextInt(3) == 0 ? token(1 + random.nextInt(12)) : pick(NAMES);
            b.append(name).append(':').append(ows()).append(value()).append(ows()).append("\r\n");
        }
        if (random.nextInt(6) == 0) {
            b.append("Content-Length: 0\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] mutate(byte[] in) {
        List<Byte> bytes = new ArrayList<>(in.length + 64);
        for (byte x : in) {
            bytes.add(x);
        }
        int mutations = 1 + random.nextInt(2);
        for (int m = 0; m < mutations; m++) {
            int bodyEnd = Math.max(1, bytes.size() - 2);
            int at = random.nextInt(bodyEnd);
            switch (random.nextInt(6)) {
                case 0 -> bytes.add(at, INTERESTING[random.nextInt(INTERESTING.length)]);
                case 1 -> bytes.remove(at);
                case 2 -> bytes.set(at, INTERESTING[random.nextInt(INTERESTING.length)]);
                case 3, 4 -> {
                    int lineStart = firstLineEnd(bytes);
                    byte[] line = (pick(SMUGGLING) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    for (int i = 0; i < line.length; i++) {
                        bytes.add(lineStart + i, line[i]);
                    }
                }
                default -> bytes.set(at, (byte) random.nextInt(256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.size());
        for (byte x : bytes) {
            out.write(x);
        }
        return out.toByteArray();
    }

    private static int firstLineEnd(List<Byte> bytes) {
        for (int i = 0; i < bytes.size(); i++) {
            if (bytes.get(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private String target() {
        if (random.nextInt(20) == 0) {
            return "http://example.org" + path();
        }
        return path() + (random.nextInt(4) == 0 ? "?" + chars(PATH_CHARS + "/?", 1 + random.nextInt(10)) : "");
    }

    private String path() {
        StringBuilder p = new StringBuilder();
        int segments = 1 + random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            p.append('/').append(chars(PATH_CHARS, random.nextInt(8)));
            if (random.nextInt(8) == 0) {
                p.append("%2").append("0Ff".charAt(random.nextInt(3)));
            }
        }
        return p.toString();
    }

    private String value() {
        String v = chars(VALUE_CHARS, random.nextInt(30)).strip();
        return random.nextInt(10) == 0 ? v + "\u00e9" : v;
    }

    private String ows() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "\t";
            case 2 -> "  ";
            default -> " ";
        };
    }

    private String token(int n) {
        return chars(TCHARS, n);
    }

    private String chars(String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }
}
