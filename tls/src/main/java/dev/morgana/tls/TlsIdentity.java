package dev.morgana.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One certificate chain and its private key, with the names it serves.
 *
 * @param chain the leaf certificate first, then any intermediates, as sent to clients
 * @param privateKey the leaf's key (RSA or EC); never logged, and left out of {@link #toString()}
 * @param dnsNames the leaf's DNS names (subjectAltName, or the common name when it has none),
 *     lower case; may hold wildcards such as {@code *.example.org}
 * @param ipAddresses the leaf's IP address names, in textual form
 * @param source where the chain was loaded from, for messages
 */
public record TlsIdentity(
        List<X509Certificate> chain,
        PrivateKey privateKey,
        List<String> dnsNames,
        List<String> ipAddresses,
        String source) {

    public TlsIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        Objects.requireNonNull(privateKey, "privateKey");
        dnsNames = dnsNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        ipAddresses = List.copyOf(ipAddresses);
        Objects.requireNonNull(source, "source");
    }

    /** The certificate clients see first. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** True if the key is an EC key (so TLS 1.2 suites are ECDHE_ECDSA, else ECDHE_RSA). */
    public boolean isEc() {
        return "EC".equals(privateKey.getAlgorithm());
    }

    /**
     * True if this identity's names cover {@code hostName} (case-insensitive; a wildcard covers
     * exactly one leftmost label, as RFC 6125 allows).
     */
    public boolean serves(String hostName) {
        String host = hostName.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (String name : dnsNames) {
            if (name.equals(host)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot).equals(name.substring(1))) {
                    return true;
                }
            }
        }
        return ipAddresses.contains(host);
    }

    /** Names and source only: the key is never printed. */
    @Override
    public String toString() {
        return "TlsIdentity[" + source + ", names=" + dnsNames + ", ips=" + ipAddresses
                + ", chain=" + chain.size() + " certificate(s), key=" + privateKey.getAlgorithm() + "]";
    }
}
