package dev.morgana.appliance.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** One HTTP/1.1 exchange over TLS, trusting only a given certificate, so tests see every byte. */
final class RawHttps {

    private RawHttps() {}

    /**
     * Sends {@code GET path} for host {@code localhost} (SNI and Host) with Connection: close, and
     * returns every byte of the response, after checking the server's chain against {@code ca}.
     */
    static byte[] get(Path ca, int port, String path) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must match, too
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            return out.toByteArray();
        }
    }

    /** The head of a response (status line and fields, up to the blank line), as text. */
    static String head(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 4);
    }

    /** The body of a response: every byte after the blank line. */
    static byte[] body(byte[] response) {
        int end = head(response).length();
        return java.util.Arrays.copyOfRange(response, end, response.length);
    }
}
