package dev.morgana.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The appliance's TLS keys, parsed and checked (not yet loaded):
 * <ul>
 *   <li>{@code TLS=off|on} (default off);</li>
 *   <li>{@code TLS_CERT} and {@code TLS_KEY}: PEM files, or comma-separated lists of the same
 *       length for several SNI identities (the first is the default); both absent with
 *       {@code TLS=on} means a development certificate ({@link DevCertificate});</li>
 *   <li>{@code TLS_PORT}: the HTTPS port (default given by the target: 8443 on Unix, 443 in the VM);</li>
 *   <li>{@code TLS_HANDSHAKE_TIMEOUT}: seconds a client may take to finish its handshake (default 10).</li>
 * </ul>
 *
 * @param certificates empty when a development certificate is to be generated
 */
public record TlsSettings(boolean enabled, int port, List<TlsConfig.PemFiles> certificates,
        Duration handshakeTimeout) {

    /** The HTTPS port on Unix, where 443 needs privileges. */
    public static final int UNIX_DEFAULT_PORT = 8443;
    /** The HTTPS port in the VM. */
    public static final int VM_DEFAULT_PORT = 443;

    public TlsSettings {
        certificates = List.copyOf(certificates);
    }

    /** TLS off. */
    public static TlsSettings off(int defaultPort) {
        return new TlsSettings(false, defaultPort, List.of(), TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /**
     * Reads the keys. Unknown values fail with an {@link IllegalArgumentException} naming the key,
     * never with a silent fallback to plaintext.
     */
    public static TlsSettings fromKeys(Map<String, String> keys, int defaultPort) {
        String tls = keys.getOrDefault("TLS", "off").trim().toLowerCase(Locale.ROOT);
        boolean enabled = switch (tls) {
            case "on" -> true;
            case "off", "" -> false;
            default -> throw new IllegalArgumentException("TLS: expected on or off, got '" + tls + "'");
        };
        int port = port(keys.get("TLS_PORT"), defaultPort);
        Duration timeout = timeout(keys.get("TLS_HANDSHAKE_TIMEOUT"));
        List<String> certs = list(keys.get("TLS_CERT"));
        List<String> privateKeys = list(keys.get("TLS_KEY"));
        if (!enabled) {
            if (!certs.isEmpty() || !privateKeys.isEmpty()) {
                throw new IllegalArgumentException("TLS_CERT/TLS_KEY are set but TLS is off: set TLS=on to serve HTTPS");
            }
            return new TlsSettings(false, port, List.of(), timeout);
        }
        if (certs.size() != privateKeys.size()) {
            throw new IllegalArgumentException("TLS_CERT names " + certs.size() + " file(s) but TLS_KEY names "
                    + privateKeys.size() + ": give one key per certificate chain, in the same order");
        }
        List<TlsConfig.PemFiles> files = new ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            files.add(new TlsConfig.PemFiles(Path.of(certs.get(i)), Path.of(privateKeys.get(i))));
        }
        return new TlsSettings(true, port, files, timeout);
    }

    /** True if TLS is on but no certificate was given: generate one for development. */
    public boolean usesDevelopmentCertificate() {
        return enabled && certificates.isEmpty();
    }

    private static int port(String value, int defaultPort) {
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("TLS_PORT: expected a port number 1-65535, got '" + value + "'");
    }

    private static Duration timeout(String value) {
        if (value == null || value.isBlank()) {
            return TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 1 && seconds <= 300) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("TLS_HANDSHAKE_TIMEOUT: expected seconds 1-300, got '" + value + "'");
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                throw new IllegalArgumentException("empty file name in '" + value + "'");
            }
            items.add(item.trim());
        }
        return items;
    }
}
