package dev.morgana.tls;

import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.util.Objects;

/**
 * TCP whose accepted connections speak TLS: wraps every flow an inner {@link Tcpv4} accepts in
 * a {@link TlsFlow} and completes the handshake before the handler sees it, so a server written
 * against {@code Tcpv4} serves HTTPS unchanged. A failed or timed-out handshake closes only its
 * own connection and never reaches the handler.
 */
public final class TlsTcpv4 implements Tcpv4 {

    /** Told about each failed handshake, e.g. to log it (the error never holds key material). */
    @FunctionalInterface
    public interface HandshakeFailureListener {
        void failed(String remote, IOException error);
    }

    private final Tcpv4 inner;
    private final TlsAcceptor acceptor;
    private final HandshakeFailureListener onFailure;

    /** Serves {@code config} with production entropy and clock (see {@link TlsAcceptor#TlsAcceptor(TlsConfig)}). */
    public TlsTcpv4(Tcpv4 inner, TlsConfig config) {
        this(inner, new TlsAcceptor(config));
    }

    /** Failed handshakes are dropped silently. */
    public TlsTcpv4(Tcpv4 inner, TlsAcceptor acceptor) {
        this(inner, acceptor, (remote, error) -> {});
    }

    public TlsTcpv4(Tcpv4 inner, TlsAcceptor acceptor, HandshakeFailureListener onFailure) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    @Override
    public Listener listen(int port, FlowHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        return inner.listen(port, transport -> {
            try (TlsFlow tls = acceptor.wrap(transport)) {
                try {
                    tls.handshake();
                } catch (IOException e) {
                    // The client's problem (bad hello, old version, stalled): only its connection ends.
                    onFailure.failed(tls.remote(), e);
                    return;
                }
                handler.handle(tls);
            }
        });
    }

    /**
     * Not supported: this is the server side of TLS only. Fails rather than silently opening a
     * plaintext connection.
     */
    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        throw new IOException("TlsTcpv4 serves TLS only; it cannot open client connections to "
                + address + ":" + port);
    }
}
