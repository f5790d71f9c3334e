/**
 * Server-side TLS 1.3 and 1.2 as a {@link dev.morgana.types.Flow} over any flow, on Bouncy
 * Castle's non-blocking protocol engine.
 *
 * <ul>
 *   <li>{@link dev.morgana.tls.TlsConfig}: certificate identities loaded and validated from PEM
 *       files; {@link dev.morgana.tls.DevCertificate} makes a self-signed one for development.</li>
 *   <li>{@link dev.morgana.tls.TlsAcceptor}: what every connection of a server shares; wraps an
 *       accepted flow into a {@link dev.morgana.tls.TlsFlow}.</li>
 *   <li>{@link dev.morgana.tls.TlsTcpv4}: a {@link dev.morgana.types.Tcpv4} whose accepted
 *       connections speak TLS, so an HTTP server runs over it unchanged.</li>
 *   <li>{@link dev.morgana.tls.TlsEntropy}: the appliance's Random device as a SecureRandom.</li>
 * </ul>
 *
 * <p>Policy: TLS 1.3 and 1.2 only; AEAD suites with ECDHE only (AES-GCM, ChaCha20-Poly1305);
 * groups x25519, P-256, P-384; ALPN {@code http/1.1}; certificate by SNI, else the first one.
 * Keys are never logged.
 *
 * <p>Crypto, chosen by CPU per handshake ({@code make bench-tls-handshake}): the JDK's providers
 * for AES-GCM, HMAC, digests and RSA (CPU intrinsics); Bouncy Castle's raw arithmetic for X25519
 * and its fixed-point-comb NIST curves for ECDSA signing. Every handshake uses a fresh ephemeral
 * key and a fresh random ECDSA nonce.
 */
package dev.morgana.tls;
