package dev.morgana.appliance.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.1 exchange over a raw socket, so tests can compare responses byte for byte. */
final class RawHttp {

    private RawHttp() {}

    /** Sends {@code request} (with Connection: close added) and returns every byte of the response. */
    static byte[] exchange(int port, String method, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(out);
            }
            return out.toByteArray();
        }
    }

    /** The response with its Date header line blanked out (it differs between any two responses). */
    static String withoutDate(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        return text.replaceFirst("(?im)^Date: [^\\r\\n]*\\r\\n", "Date: -\r\n");
    }
}
