package dev.morgana.tls;

import dev.morgana.types.Flow;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsServerProtocol;

/**
 * The server side of a TLS 1.3/1.2 session over any {@link Flow}: plaintext in and out,
 * records on {@code transport}. Bouncy Castle's {@link TlsServerProtocol} runs in non-blocking
 * mode as a sans-IO engine; this class owns the loop that feeds it ciphertext and drains what it
 * produces.
 *
 * <h2>Contract</h2>
 * Everything in {@link Flow}, plus:
 * <ul>
 *   <li>The handshake runs on the first {@link #read}, {@link #write} or {@link #handshake()}.
 *       If it does not finish within the configured timeout the transport is closed and the
 *       pending call fails with {@link SocketTimeoutException}.</li>
 *   <li>{@link #read} returns {@code -1} once the peer's close_notify has arrived and every
 *       byte before it was read. A transport that ends without close_notify is a truncation:
 *       {@link EOFException}, unless this side had already shut its output down.</li>
 *   <li>{@link #shutdownOutput()} sends close_notify, then ends the transport's output.</li>
 *   <li>Any protocol failure (bad record, failed handshake, refused version or suite) sends the
 *       alert when it can, closes the transport and raises {@link IOException}; only this
 *       connection is affected.</li>
 *   <li>Bouncy Castle does not half-close: once the peer's close_notify has arrived, this
 *       side answers with its own and further writes fail.</li>
 * </ul>
 */
public final class TlsFlow implements Flow {

    /** Bytes read from the transport at once: one full record, header and AEAD expansion included. */
    private static final int READ_CHUNK = 16384 + 256 + 5;
    /** Ciphertext handed to the transport per write, at most. */
    private static final int MAX_OUT_BUF = 64 * 1024;
    /** The largest plaintext a TLS record carries. */
    private static final int RECORD_PLAINTEXT = 16384;
    /** Plaintext encrypted before the ciphertext is handed to the transport in one write. */
    private static final int WRITE_BATCH = 4 * 16384;

    private final Flow transport;
    private final SniTlsServer server;
    private final Engine engine = new Engine();
    private final HandshakeWatchdog watchdog;
    private final Duration handshakeTimeout;

    /** Guards {@link #engine}, which is not thread-safe; never held across transport I/O. */
    private final ReentrantLock engineLock = new ReentrantLock();
    /** Keeps drained ciphertext in engine order on the transport, and guards {@link #outBuf}. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock handshakeLock = new ReentrantLock();

    private final byte[] inBuf = new byte[READ_CHUNK];
    /** Gathers small writes into full records; allocated on first use (many flows never need it). */
    private byte[] staging;
    private byte[] outBuf = new byte[4096];

    private boolean started;
    private volatile boolean handshakeDone;
    private volatile boolean timedOut;
    private volatile boolean outputShut;
    private volatile boolean closed;
    private volatile IOException failure;
    private HandshakeWatchdog.Alarm alarm;

    TlsFlow(Flow transport, SniTlsServer server, HandshakeWatchdog watchdog, Duration handshakeTimeout) {
        this.transport = transport;
        this.server = server;
        this.watchdog = watchdog;
        this.handshakeTimeout = handshakeTimeout;
    }

    /**
     * Runs the handshake now if it has not run yet; returns once it has completed.
     *
     * @throws SocketTimeoutException if the client did not finish within the timeout
     * @throws IOException if the handshake failed (the transport is then closed)
     */
    public void handshake() throws IOException {
        if (handshakeDone) {
            return;
        }
        handshakeLock.lock();
        try {
            if (handshakeDone) {
                return;
            }
            checkUsable();
            if (!started) {
                started = true;
                alarm = watchdog.arm(handshakeTimeout, this::onHandshakeTimeout);
                engineLock.lock();
                try {
                    engine.accept(server);
                } finally {
                    engineLock.unlock();
                }
            }
            try {
                while (engineHandshaking()) {
                    flushOutput();
                    int n = transport.read(ByteBuffer.wrap(inBuf));
                    if (n < 0) {
                        throw new EOFException("peer " + transport.remote()
                                + " closed the connection during the TLS handshake");
                    }
                    offer(n);
                }
                flushOutput();
                if (engine.isClosed()) {
                    throw new EOFException("TLS session with " + transport.remote() + " closed during handshake");
                }
                handshakeDone = true;
            } catch (IOException e) {
                throw fail(explain(e));
            } finally {
                alarm.disarm();
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        handshake();
        if (!dst.hasRemaining()) {
            checkUsable();
            return 0;
        }
        while (true) {
            checkUsable();
            engineLock.lock();
            try {
                int n = engine.readInput(dst, dst.remaining());
                if (n > 0) {
                    return n;
                }
                if (engine.isClosed() && !engine.isFailed()) {
                    return -1; // the peer's close_notify, after its last byte
                }
            } finally {
                engineLock.unlock();
            }
            int n;
            try {
                n = transport.read(ByteBuffer.wrap(inBuf));
            } catch (IOException e) {
                throw fail(explain(e));
            }
            if (n < 0) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (outputShut) {
                    return -1;
                }
                throw fail(new EOFException("peer " + transport.remote()
                        + " ended the connection without TLS close_notify (truncated)"));
            }
            offer(n);
            // Replies the engine may owe (KeyUpdate, its own close_notify). Only then contend with
            // a writer for the transport: a reader must not wait behind a writer blocked on a peer
            // that is itself waiting for us to read.
            if (outputPending()) {
                flushOutput();
            }
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        writev(src);
    }

    @Override
    public void writev(ByteBuffer... srcs) throws IOException {
        handshake();
        checkWritable();
        int staged = 0;
        int batched = 0;
        for (ByteBuffer src : srcs) {
            while (src.hasRemaining()) {
                if (staged == 0 && src.hasArray() && src.remaining() >= RECORD_PLAINTEXT) {
                    // Full records straight from the caller's array, without staging.
                    int len = RECORD_PLAINTEXT;
                    encrypt(src.array(), src.arrayOffset() + src.position(), len);
                    src.position(src.position() + len);
                    batched += len;
                } else {
                    if (staging == null) {
                        staging = new byte[RECORD_PLAINTEXT];
                    }
                    int len = Math.min(src.remaining(), staging.length - staged);
                    src.get(staging, staged, len);
                    staged += len;
                    if (staged == staging.length) {
                        encrypt(staging, 0, staged);
                        batched += staged;
                        staged = 0;
                    }
                }
                if (batched >= WRITE_BATCH) {
                    flushOutput();
                    batched = 0;
                }
            }
        }
        if (staged > 0) {
            encrypt(staging, 0, staged);
        }
        flushOutput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (outputShut) {
            return;
        }
        // Like a write: close_notify can only be sent in an established session.
        handshake();
        checkUsable();
        sendLock.lock();
        try {
            engineLock.lock();
            try {
                if (!engine.isClosed()) {
                    engine.sendCloseNotify();
                }
            } finally {
                engineLock.unlock();
            }
            drainTo(true);
            outputShut = true;
        } catch (IOException e) {
            throw fail(e);
        } finally {
            sendLock.unlock();
        }
        transport.shutdownOutput();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Best effort close_notify, unless a writer is blocked on the transport: never wait here.
        if (handshakeDone && !outputShut && failure == null && sendLock.tryLock()) {
            try {
                engineLock.lock();
                try {
                    if (!engine.isClosed()) {
                        engine.sendCloseNotify();
                    }
                } finally {
                    engineLock.unlock();
                }
                drainTo(true);
            } catch (IOException | RuntimeException e) {
                // The connection is going away anyway.
            } finally {
                outputShut = true;
                sendLock.unlock();
            }
        }
        transport.close();
    }

    @Override
    public String remote() {
        return transport.remote();
    }

    /** The protocol ALPN selected ({@code "http/1.1"}), or null if the client offered none. */
    public String applicationProtocol() {
        SecurityParameters params = connectionParameters();
        ProtocolName name = params == null ? null : params.getApplicationProtocol();
        return name == null ? null : name.getUtf8Decoding();
    }

    /** The host name the client sent in SNI, or null. */
    public String requestedServerName() {
        return server.requestedHost();
    }

    /** The negotiated version, e.g. {@code "TLS 1.3"}, or null before the handshake. */
    public String protocolVersion() {
        SecurityParameters params = connectionParameters();
        return params == null || params.getNegotiatedVersion() == null ? null : params.getNegotiatedVersion().getName();
    }

    private SecurityParameters connectionParameters() {
        if (!handshakeDone) {
            return null;
        }
        engineLock.lock();
        try {
            return engine.connectionParameters();
        } finally {
            engineLock.unlock();
        }
    }

    private boolean outputPending() {
        engineLock.lock();
        try {
            return engine.getAvailableOutputBytes() > 0;
        } finally {
            engineLock.unlock();
        }
    }

    private boolean engineHandshaking() {
        engineLock.lock();
        try {
            return engine.isHandshaking();
        } finally {
            engineLock.unlock();
        }
    }

    /** Hands {@code n} bytes of {@link #inBuf} to the engine; a protocol error fails the flow. */
    private void offer(int n) throws IOException {
        engineLock.lock();
        try {
            engine.offerInput(inBuf, 0, n);
        } catch (IOException | RuntimeException e) {
            throw failAfterAlert(e);
        } finally {
            engineLock.unlock();
        }
    }

    private void encrypt(byte[] buf, int off, int len) throws IOException {
        engineLock.lock();
        try {
            if (engine.isClosed() && !engine.isFailed()) {
                // Not a failure: the peer's close_notify ended the session (no half-close here).
                throw new IOException("TLS session with " + transport.remote() + " closed by the peer's close_notify");
            }
            engine.writeApplicationData(buf, off, len);
        } catch (IOException | RuntimeException e) {
            if (engine.isClosed() && !engine.isFailed()) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
            throw failAfterAlert(e);
        } finally {
            engineLock.unlock();
        }
    }

    /** Writes whatever ciphertext the engine has produced (or discards it after our close_notify). */
    private void flushOutput() throws IOException {
        sendLock.lock();
        try {
            drainTo(!outputShut);
        } catch (IOException e) {
            throw fail(explain(e));
        } finally {
            sendLock.unlock();
        }
    }

    /** Caller holds {@link #sendLock}. */
    private void drainTo(boolean send) throws IOException {
        while (true) {
            int n;
            engineLock.lock();
            try {
                int available = engine.getAvailableOutputBytes();
                if (available == 0) {
                    return;
                }
                if (outBuf.length < available && outBuf.length < MAX_OUT_BUF) {
                    outBuf = new byte[Math.min(MAX_OUT_BUF, Math.max(available, outBuf.length * 2))];
                }
                n = engine.readOutput(outBuf, 0, Math.min(available, outBuf.length));
            } finally {
                engineLock.unlock();
            }
            if (send) {
                transport.write(ByteBuffer.wrap(outBuf, 0, n));
            }
        }
    }

    /**
     * After the engine rejected input it has queued an alert for the peer: send it if no writer is
     * blocked on the transport, then fail. Called with {@link #engineLock} held.
     */
    private IOException failAfterAlert(Exception cause) {
        IOException error = cause instanceof IOException io ? io
                : new IOException("TLS engine failure: " + cause, cause);
        engineLock.unlock();
        try {
            if (sendLock.tryLock()) {
                try {
                    drainTo(!outputShut);
                } catch (IOException | RuntimeException ignored) {
                    // The peer may already be gone; the original error is what matters.
                } finally {
                    sendLock.unlock();
                }
            }
        } finally {
            engineLock.lock();
        }
        return fail(new IOException("TLS with " + transport.remote() + " failed: " + describe(error), error));
    }

    /** Records the first failure and closes the transport, so nothing else waits on it. */
    private IOException fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        transport.close();
        return e;
    }

    private IOException explain(IOException e) {
        if (timedOut && !handshakeDone) {
            SocketTimeoutException timeout = new SocketTimeoutException("TLS handshake with "
                    + transport.remote() + " not finished within " + handshakeTimeout);
            timeout.initCause(e);
            return timeout;
        }
        if (closed && !(e instanceof ClosedChannelException)) {
            ClosedChannelException c = new ClosedChannelException();
            c.initCause(e);
            return c;
        }
        return e;
    }

    private void onHandshakeTimeout() {
        if (handshakeDone) {
            return; // finished just as the alarm went off
        }
        timedOut = true;
        transport.close();
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("TLS connection with " + transport.remote() + " already failed: "
                    + failed.getMessage(), failed);
        }
    }

    private void checkWritable() throws IOException {
        checkUsable();
        if (outputShut) {
            throw new IOException("TLS output already shut down");
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The engine, with close_notify available without closing the read side. */
    private static final class Engine extends TlsServerProtocol {
        void sendCloseNotify() throws IOException {
            raiseAlertWarning(AlertDescription.close_notify, "output shut down");
        }

        SecurityParameters connectionParameters() {
            return getContext() == null ? null : getContext().getSecurityParametersConnection();
        }
    }
}
