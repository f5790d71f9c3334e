package dev.morgana.tcpip.tcp;

import dev.morgana.tcpip.wire.TcpSegment;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One TCP connection's state machine (RFC 9293), sans-IO: segments and times go in through
 * {@link Tcp}, segments go out through it; the application side ({@link #read}, {@link #write},
 * {@link #shutdownOutput}, {@link #close}) never blocks and says how much it did.
 *
 * <p>Implemented: active, passive and simultaneous open; bounded send and receive buffers with
 * the receive window and SWS avoidance on both sides; RFC 6298 retransmission with Karn's rule and
 * back-off; fast retransmit and NewReno recovery; delayed ACKs; Nagle (switchable); persist timer
 * with window probes; FIN both ways with half-close; TIME_WAIT; RST with the RFC 5961 checks;
 * window scaling and timestamps with PAWS and RTT measurement (RFC 7323); SACK (RFC 2018) with
 * RFC 6675 recovery when the peer permits it, NewReno recovery otherwise; keepalive. Not
 * thread-safe: the owner of the {@link Tcp} drives it.
 */
public final class TcpConnection {

    private static final long NEVER = Long.MAX_VALUE;
    private static final byte[] EMPTY = new byte[0];
    private static final int DEFAULT_PEER_MSS = 536;
    private static final int DUPACK_THRESHOLD = 3;
    private static final long PERSIST_MIN = 200_000_000L;
    private static final long INVALID_ANSWER_INTERVAL = 100_000_000L;
    private static final int TIMESTAMP_OPTION = 12;
    /** RFC 7323 section 5.5: a TS.Recent older than 24 days is no longer trusted. */
    private static final long PAWS_IDLE = 24L * 24 * 3600 * 1_000_000_000L;
    /** Out-of-order segments held, whatever their size, so tiny segments cannot make SACK generation slow. */
    private static final int MAX_OUT_OF_ORDER_SEGMENTS = 1024;
    private static final int[] NO_BLOCKS = new int[0];
    /** First size of a send or receive buffer; it doubles as needed up to the configured bound. */
    private static final int INITIAL_BUFFER = 16 * 1024;

    private final Tcp tcp;
    private final TcpConfig config;
    final Tcp.Key key;
    /** The listener that accepted this connection, null for an active open. */
    final Tcp.Listening listener;
    private TcpState state;
    private String error;
    private boolean appClosed;
    private boolean nagle;

    // Send side. Sequence numbers are ints compared modulo 2^32.
    private final int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int sndWnd;
    private int sndWl1;
    private int sndWl2;
    private int maxSndWnd;
    private final int ourMss;
    private int mss;
    /**
     * Allocated on first use, grown as needed up to sendCap, released once closed, so half-open
     * and TIME_WAIT connections hold no buffers and small flows small ones.
     */
    private byte[] sendBuf = EMPTY;
    private final int sendCap;
    /** Index in sendBuf of the first unacknowledged data byte, whose sequence number is sendSeq. */
    private int sendHead;
    private int sendLen;
    private int sendSeq;
    private boolean finQueued;
    private CongestionControl cc;
    private final RttEstimator rtt;
    private boolean timing;
    private int timedSeq;
    private long timedAt;
    private int dupAcks;
    private boolean inRecovery;
    private int recover;
    private int retries;
    private int probes;
    private long persistInterval;

    // Negotiated options (RFC 7323, RFC 2018).
    private final TcpConfig.Extensions offer;
    /** The shift we announce: the smallest that lets the window cover the receive buffer. */
    private final int ourShift;
    private boolean wsAgreed;
    private int sndShift;
    private int rcvShift;
    private boolean tsOk;
    private final int tsOffset;
    private int tsRecent;
    private long tsRecentAt;
    private int lastAckSent;
    private long lastTsSample = Long.MIN_VALUE / 2;
    private boolean timedOut;
    private int tsAtTimeout;
    private boolean sackOk;
    /** The peer's SYN carried no option but MSS (see {@link #sendSyn}). */
    private boolean peerOffersOnlyMss;
    private SackScoreboard board;
    /** sndUna as a count from iss, never wrapping: the scoreboard's coordinates. */
    private long unaAbs;
    /** RFC 6675 HighRxt (exclusive end of the highest retransmitted range), absolute. */
    private long highRxt;
    /** Start (absolute) of the out-of-order segment received last: the first SACK block covers it. */
    private long lastOutOfOrder = -1;

    // Keepalive.
    private boolean keepAlive;
    private int keepAliveProbes;

    // Receive side.
    private int irs;
    private int rcvNxt;
    /** rcvNxt as a count from irs, never wrapping. */
    private long rcvAbs;
    /** The right edge of the window we advertised, as a count from irs: it never moves left. */
    private long rcvEdge;
    private byte[] recvBuf = EMPTY;
    private final int recvCap;
    private int recvHead;
    private int recvLen;
    private final TreeMap<Long, byte[]> outOfOrder = new TreeMap<>();
    private int outOfOrderBytes;
    private boolean peerFin;
    private int segmentsUnacked;
    private long lastInvalidAnswer = Long.MIN_VALUE / 2;

    // Timers, absolute times in nanoseconds.
    private long rtoAt = NEVER;
    private long persistAt = NEVER;
    private long delayedAckAt = NEVER;
    private long timeWaitAt = NEVER;
    private long finWait2At = NEVER;
    private long keepAliveAt = NEVER;

    TcpConnection(Tcp tcp, TcpConfig config, Tcp.Key key, Tcp.Listening listener, int iss, int tsOffset, int ourMss, long now) {
        this.tcp = tcp;
        this.config = config;
        this.key = key;
        this.listener = listener;
        this.iss = iss;
        this.ourMss = ourMss;
        this.mss = Math.min(ourMss, DEFAULT_PEER_MSS);
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.sendSeq = iss + 1;
        this.sendCap = config.sendBuffer();
        this.recvCap = config.receiveBuffer();
        this.nagle = config.nagle();
        this.rtt = new RttEstimator(config.minRto().toNanos(), config.maxRto().toNanos());
        this.cc = config.congestion().create(mss);
        this.offer = config.options();
        this.tsOffset = tsOffset;
        this.ourShift = shiftFor(recvCap);
        this.keepAlive = config.keepAlive().on();
    }

    /** The smallest window-scale shift whose window covers {@code buffer} bytes (at most 14). */
    static int shiftFor(int buffer) {
        int shift = 0;
        while (shift < 14 && (65535L << shift) < buffer) {
            shift++;
        }
        return shift;
    }

    /** Active open: sends the SYN. */
    void open(long now) {
        state = TcpState.SYN_SENT;
        sendSyn(now);
    }

    /** Passive open from a listener: takes the peer's SYN and answers SYN-ACK. */
    void accept(TcpSegment syn, long now) {
        state = TcpState.SYN_RECEIVED;
        takeSyn(syn, now);
        sendSyn(now);
    }

    private void takeSyn(TcpSegment syn, long now) {
        peerOffersOnlyMss = syn.windowScale() < 0 && !syn.sackPermitted() && !syn.hasTimestamps();
        synchronize(syn.seq(), syn.mss(), syn.windowScale(), syn.sackPermitted(), syn.hasTimestamps(), syn.tsVal(), now);
        sndWnd = syn.window(); // never scaled on a SYN
        maxSndWnd = sndWnd;
    }

    /** Takes the peer's ISN and options (from its SYN, or from a SYN cookie). */
    private void synchronize(int peerIsn, int peerMss, int peerShift, boolean peerSack, boolean peerTimestamps, int peerTsVal,
            long now) {
        irs = peerIsn;
        rcvNxt = irs + 1;
        rcvAbs = 1;
        // The window on a SYN is never scaled: announce at most 65535 until the handshake is over.
        rcvEdge = 1 + Math.min(recvCap, 65535);
        boolean scaling = offer.windowScaling() && peerShift >= 0;
        wsAgreed = scaling;
        sndShift = scaling ? peerShift : 0;
        rcvShift = scaling ? ourShift : 0;
        tsOk = offer.timestamps() && peerTimestamps;
        if (tsOk) {
            tsRecent = peerTsVal;
            tsRecentAt = now;
        }
        sackOk = offer.sack() && peerSack;
        board = sackOk ? new SackScoreboard() : null;
        int peer = peerMss > 0 ? peerMss : DEFAULT_PEER_MSS;
        // RFC 6691: the MSS counts data only; the timestamp option every segment carries comes off it.
        mss = Math.max(64, Math.min(ourMss, peer) - (tsOk ? TIMESTAMP_OPTION : 0));
        cc = config.congestion().create(mss);
        sndWl1 = peerIsn;
        lastAckSent = rcvNxt;
    }

    /**
     * Passive open from a valid SYN cookie: the connection starts in SYN_RECEIVED as if its SYN-ACK
     * had been sent, with what the cookie remembered; the ACK that carried it is input next.
     */
    void acceptCookie(int peerIsn, int peerMss, int peerShift, boolean peerSack, boolean peerTimestamps, int peerTsVal, long now) {
        state = TcpState.SYN_RECEIVED;
        synchronize(peerIsn, peerMss, peerShift, peerSack, peerTimestamps, peerTsVal, now);
        sndNxt = iss + 1;
        sndMax = iss + 1;
    }

    private int tsNow(long now) {
        return (int) (now / 1_000_000L) + tsOffset;
    }

    private void sendSyn(long now) {
        boolean synAck = state == TcpState.SYN_RECEIVED;
        int flags = TcpSegment.SYN | (synAck ? TcpSegment.ACK : 0);
        // On our SYN we offer what we support; on a SYN-ACK we answer only what the peer offered.
        boolean ws = synAck ? wsAgreed : offer.windowScaling();
        boolean ts = synAck ? tsOk : offer.timestamps();
        boolean sack = synAck ? sackOk : offer.sack();
        // A retransmitted SYN-ACK leaves the MSS option out for a peer whose SYN offered nothing
        // else (the mark of a BSD-derived stack such as libslirp, QEMU's user-mode network): libslirp
        // 4.7 re-runs its MSS setup on the option when the SYN-ACK reaches it after its handshake
        // ACK was lost, and that discards the data it had queued, a request it then never sends
        // again. Without the option a peer that missed the first SYN-ACK assumes 536 (RFC 9293
        // 3.7.1 makes the option a SHOULD), which only shortens its segments to us.
        boolean mssOption = !(synAck && retries > 0 && peerOffersOnlyMss);
        TcpSegment.Options o = new TcpSegment.Options(mssOption ? ourMss : 0, ws ? ourShift : -1, sack, ts, tsNow(now),
                synAck ? tsRecent : 0, NO_BLOCKS);
        // Our SYN offers the buffer (at most 65535: a SYN's window is never scaled).
        tcp.send(this, iss, synAck ? rcvNxt : 0, flags, Math.min(65535, synAck ? window() : recvCap), o, null, 0, 0, now);
        lastAckSent = rcvNxt;
        sndNxt = iss + 1;
        sndMax = iss + 1;
        if (rtoAt == NEVER) {
            rtoAt = now + rtt.rto();
        }
        if (retries == 0 && !timing) {
            timing = true;
            timedSeq = iss;
            timedAt = now;
        }
    }

    // ---------------------------------------------------------------- application side

    /** The connection's state. */
    public TcpState state() {
        return state;
    }

    /** Why the connection failed ("connection reset by peer", "timed out"...), or null. */
    public String error() {
        return error;
    }

    /** True once the peer's FIN arrived and every byte before it was read. */
    public boolean endOfStream() {
        return peerFin && recvLen == 0;
    }

    /** True when established (or closing) and data may be exchanged. */
    public boolean established() {
        return state.synchronized_() || (state == TcpState.CLOSED && error == null && sendSeq != iss + 1);
    }

    /** Bytes the application may write now without exceeding the send buffer. */
    public int writable() {
        return sendCap - sendLen;
    }

    /** Bytes received and not read yet. */
    public int readable() {
        return recvLen;
    }

    public Ipv4Address remoteAddress() {
        return new Ipv4Address(key.remoteIp());
    }

    public int remotePort() {
        return key.remotePort();
    }

    public int localPort() {
        return key.localPort();
    }

    /** The next sequence number expected from the peer (for diagnostics and tests). */
    public int receiveNext() {
        return rcvNxt;
    }

    /** The timestamp we echo (RFC 7323 TS.Recent), meaningful once timestamps were agreed (diagnostics, tests). */
    public int timestampRecent() {
        return tsRecent;
    }

    /** The next sequence number to send (for diagnostics and tests). */
    public int sendNext() {
        return sndMax;
    }

    /** Turns Nagle's algorithm on or off for this connection. */
    public void nagle(boolean on, long now) {
        nagle = on;
        output(now);
    }

    /**
     * Turns keepalive on or off for this connection (the {@link TcpConfig#keepAlive} timings
     * apply): a peer that stops answering makes the connection fail with "timed out".
     */
    public void keepAlive(boolean on, long now) {
        keepAlive = on;
        armKeepAlive(now);
    }

    /** Whether keepalive is on for this connection. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether window scaling, timestamps and SACK were agreed with the peer (diagnostics, tests). */
    public String negotiated() {
        return "ws=" + (wsAgreed ? sndShift + "/" + rcvShift : "no") + " ts=" + (tsOk ? "yes" : "no") + " sack=" + (sackOk ? "yes" : "no")
                + " mss=" + mss;
    }

    private void armKeepAlive(long now) {
        boolean idleState = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_2;
        keepAliveAt = keepAlive && idleState ? now + config.keepAlive().idle().toNanos() : NEVER;
        keepAliveProbes = 0;
    }

    /**
     * Copies received bytes into {@code dst}; may send a window update.
     *
     * @return the bytes copied, 0 if none are there
     */
    public int read(ByteBuffer dst, long now) {
        int n = Math.min(dst.remaining(), recvLen);
        if (n == 0) {
            return 0;
        }
        int first = Math.min(n, recvBuf.length - recvHead);
        dst.put(recvBuf, recvHead, first);
        dst.put(recvBuf, 0, n - first);
        recvHead = (recvHead + n) % recvBuf.length;
        recvLen -= n;
        if (recvLen == 0 && (state == TcpState.CLOSED || state == TcpState.TIME_WAIT)) {
            tcp.rings.give(recvBuf);
            recvBuf = EMPTY;
        }
        if (n > 0 && state.synchronized_() && !peerFin) {
            long edgeBefore = rcvEdge;
            // Announce the opened window once it grew enough to matter (receiver SWS avoidance).
            if (candidateEdge() - edgeBefore >= Math.min(recvCap / 2, mss)) {
                sendAck(now);
            }
        }
        return n;
    }

    /**
     * Queues bytes of {@code src} for sending, as many as the send buffer holds.
     *
     * @return the bytes queued
     * @throws IllegalStateException if output was shut down or the connection is not open
     */
    public int write(ByteBuffer src, long now) {
        if (finQueued || appClosed) {
            throw new IllegalStateException("output is shut down");
        }
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            throw new IllegalStateException("connection closed");
        }
        int n = Math.min(src.remaining(), sendCap - sendLen);
        if (n == 0) {
            return 0;
        }
        if (sendLen + n > sendBuf.length) {
            sendBuf = grown(sendBuf, sendHead, sendLen, n, sendCap, tcp.rings);
            sendHead = 0;
        }
        int tail = (sendHead + sendLen) % sendBuf.length;
        int first = Math.min(n, sendBuf.length - tail);
        src.get(sendBuf, tail, first);
        src.get(sendBuf, 0, n - first);
        sendLen += n;
        output(now);
        return n;
    }

    /** Sends FIN after the queued data (half-close); reading goes on. Idempotent. */
    public void shutdownOutput(long now) {
        if (finQueued || state == TcpState.CLOSED) {
            finQueued = true;
            return;
        }
        finQueued = true;
        if (state == TcpState.SYN_SENT) {
            terminate(null, now);
            return;
        }
        output(now);
    }

    /**
     * Closes both directions: a graceful FIN if every received byte was read, a RST otherwise
     * (RFC 9293 section 3.10.4 leaves it open; Linux resets to tell the peer data was lost).
     */
    public void close(long now) {
        if (appClosed) {
            return;
        }
        appClosed = true;
        if (state == TcpState.CLOSED) {
            return;
        }
        if (recvLen > 0 || state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) {
            finWait2At = now + config.finWait2Timeout().toNanos();
        }
    }

    /** Resets the connection: sends RST if the peer knows it, and releases it. */
    public void abort(long now) {
        appClosed = true;
        if (state != TcpState.CLOSED && state != TcpState.SYN_SENT && state != TcpState.TIME_WAIT) {
            tcp.send(this, sndNxt, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, TcpSegment.Options.NONE, null, 0, 0, now);
        }
        terminate(error, now);
    }

    private void terminate(String why, long now) {
        if (error == null) {
            error = why;
        }
        setState(TcpState.CLOSED, now);
    }

    private void fail(String why, long now) {
        error = why;
        setState(TcpState.CLOSED, now);
    }

    private void setState(TcpState next, long now) {
        TcpState before = state;
        if (before == next) {
            return;
        }
        state = next;
        rtoAt = next == TcpState.CLOSED || next == TcpState.TIME_WAIT ? NEVER : rtoAt;
        if (next == TcpState.CLOSED || next == TcpState.TIME_WAIT) {
            persistAt = NEVER;
            delayedAckAt = NEVER;
            finWait2At = NEVER;
            keepAliveAt = NEVER;
            board = null;
            outOfOrder.clear();
            outOfOrderBytes = 0;
            tcp.rings.give(sendBuf); // nothing will be sent again
            sendBuf = EMPTY;
            if (recvLen == 0) {
                tcp.rings.give(recvBuf);
                recvBuf = EMPTY;
            }
        }
        if (next == TcpState.ESTABLISHED) {
            armKeepAlive(now);
        }
        tcp.stateChanged(this, before, next, now);
    }

    // ---------------------------------------------------------------- input

    /** The receive window: up to the right edge we advertised. */
    private int window() {
        return (int) Math.max(0, rcvEdge - rcvAbs);
    }

    /** The window field of a non-SYN segment: scaled, rounded down so we never promise more. */
    private int windowField() {
        return (int) Math.min(65535, window() >> rcvShift);
    }

    /** Where the right edge could go: the free buffer space, within what the window field can say. */
    private long candidateEdge() {
        return rcvAbs + Math.min(recvCap - recvLen, 65535L << rcvShift);
    }

    /** Moves the advertised right edge when the free space grew enough (receiver SWS avoidance). */
    private void updateEdge() {
        long candidate = candidateEdge();
        if (candidate - rcvEdge >= Math.min(recvCap / 2, mss) || (candidate > rcvEdge && rcvEdge - rcvAbs < 1)) {
            rcvEdge = candidate;
        }
        if (rcvEdge < rcvAbs) {
            rcvEdge = rcvAbs;
        }
    }

    private static boolean lt(int a, int b) {
        return a - b < 0;
    }

    private static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static final boolean DEBUG = Boolean.getBoolean("tcp.debug");

    private void debug(String what, long now) {
        if (DEBUG) {
            System.err.printf("%10.3f %s %s %s una=%d nxt=%d max=%d wnd=%d cwnd=%d rto=%d ret=%d rcvNxt=%d win=%d recvLen=%d send=%d%n", now / 1e9,
                    key, state, what, sndUna - iss, sndNxt - iss, sndMax - iss, sndWnd, cc.window(), rtt.rto() / 1_000_000, retries,
                    rcvNxt - irs, window(), recvLen, sendLen);
        }
    }

    void input(TcpSegment seg, long now) {
        if (DEBUG) {
            debug("IN seq=" + (seg.seq() - irs) + " ack=" + (seg.ack() - iss) + " len=" + seg.payload().remaining() + " fl=" + seg.flags() + " w=" + seg.window(), now);
        }
        switch (state) {
            case CLOSED -> { }
            case SYN_SENT -> synSentInput(seg, now);
            default -> synchronizedInput(seg, now);
        }
    }

    private void synSentInput(TcpSegment seg, long now) {
        boolean ackOk = false;
        if (seg.has(TcpSegment.ACK)) {
            if (le(seg.ack(), iss) || lt(sndMax, seg.ack())) {
                if (!seg.has(TcpSegment.RST)) {
                    tcp.sendReset(key, seg.ack(), 0, false, now);
                }
                return;
            }
            ackOk = true;
        }
        if (seg.has(TcpSegment.RST)) {
            if (ackOk) {
                fail("connection refused", now);
            }
            return;
        }
        if (!seg.has(TcpSegment.SYN)) {
            return;
        }
        takeSyn(seg, now);
        if (ackOk) {
            sndUna = seg.ack();
            unaAbs = 1;
            sndWl2 = seg.ack();
            retries = 0;
            rtoAt = NEVER;
            sampleRtt(seg.ack(), now);
            setState(TcpState.ESTABLISHED, now);
            sendAck(now);
            output(now);
        } else {
            // Simultaneous open: answer SYN-ACK with our ISN again.
            setState(TcpState.SYN_RECEIVED, now);
            timing = false;
            sendSyn(now);
        }
    }

    private void synchronizedInput(TcpSegment seg, long now) {
        int len = seg.length();
        int wnd = window();
        int seq = seg.seq();
        if (state == TcpState.SYN_RECEIVED && seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK) && seq == irs) {
            sendSyn(now); // our SYN-ACK was lost: the peer's SYN came again
            return;
        }
        if (pawsRejects(seg, now)) {
            // RFC 7323 section 5.3: an old timestamp means an old duplicate; acknowledge, drop.
            if (seg.payload().hasRemaining() || now - lastInvalidAnswer >= INVALID_ANSWER_INTERVAL) {
                lastInvalidAnswer = now;
                sendAck(now);
            }
            return;
        }
        boolean acceptable;
        if (len == 0) {
            acceptable = wnd == 0 ? seq == rcvNxt : le(rcvNxt, seq) && lt(seq, rcvNxt + wnd);
        } else {
            acceptable = wnd > 0 && ((le(rcvNxt, seq) && lt(seq, rcvNxt + wnd))
                    || (le(rcvNxt, seq + len - 1) && lt(seq + len - 1, rcvNxt + wnd)));
        }
        if (!acceptable) {
            if (!seg.has(TcpSegment.RST)) {
                if (state == TcpState.TIME_WAIT && seg.has(TcpSegment.FIN)) {
                    timeWaitAt = now + config.timeWait().toNanos();
                }
                // Answers to segments without data are rate limited (like Linux's
                // tcp_invalid_ratelimit) so two ends that disagree cannot ping-pong ACKs.
                if (seg.payload().hasRemaining() || seg.has(TcpSegment.FIN) || now - lastInvalidAnswer >= INVALID_ANSWER_INTERVAL) {
                    lastInvalidAnswer = now;
                    sendAck(now);
                }
            }
            return;
        }
        if (keepAlive) {
            armKeepAlive(now); // the peer is there
        }
        if (seg.has(TcpSegment.RST) && state == TcpState.TIME_WAIT) {
            // RFC 1337: a RST must not cut TIME_WAIT short (here it would also discard unread data).
            return;
        }
        if (seg.has(TcpSegment.RST)) {
            // RFC 5961 section 3: only an exact match resets; anything else in the window is challenged.
            if (seq == rcvNxt) {
                fail(state == TcpState.SYN_RECEIVED && listener != null ? null : "connection reset by peer", now);
            } else {
                tcp.challengeAck(this, now);
            }
            return;
        }
        if (seg.has(TcpSegment.SYN)) {
            // RFC 5961 section 4: a SYN on a synchronized connection is challenged, never trusted.
            tcp.challengeAck(this, now);
            return;
        }
        if (tsOk && seg.hasTimestamps() && le(seq, lastAckSent) && !lt(seg.tsVal(), tsRecent)) {
            tsRecent = seg.tsVal(); // RFC 7323 section 4.3: the value to echo
            tsRecentAt = now;
        }
        if (!seg.has(TcpSegment.ACK)) {
            return;
        }
        if (!processAck(seg, now)) {
            return;
        }
        if (state == TcpState.CLOSED) {
            return;
        }
        processData(seg, now);
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT && !seg.payload().hasRemaining() && lt(rcvNxt, seq)
                && now - lastInvalidAnswer >= INVALID_ANSWER_INTERVAL) {
            // A segment without data from beyond rcvNxt: the peer sent bytes that never came (the
            // request after a lost handshake ACK, say). Say at once what is missing, as for
            // out-of-order data (RFC 5681 section 4.2), rather than leave it to the peer's timer.
            lastInvalidAnswer = now;
            sendAck(now);
        }
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
            output(now);
        }
    }

    /** PAWS (RFC 7323 section 5): a non-RST segment whose timestamp is older than TS.Recent. */
    boolean pawsRejects(TcpSegment seg, long now) {
        if (!tsOk || !seg.hasTimestamps() || seg.has(TcpSegment.RST) || !lt(seg.tsVal(), tsRecent)) {
            return false;
        }
        if (now - tsRecentAt > PAWS_IDLE) {
            tsRecent = seg.tsVal(); // idle for more than 24 days: TS.Recent is stale, not the segment
            tsRecentAt = now;
            return false;
        }
        return true;
    }

    /** The ACK field: returns false if the segment must be dropped. */
    private boolean processAck(TcpSegment seg, long now) {
        int ack = seg.ack();
        if (state == TcpState.SYN_RECEIVED) {
            if (!(lt(sndUna, ack) && le(ack, sndMax))) {
                tcp.sendReset(key, ack, 0, false, now);
                return false;
            }
            sndUna = ack;
            unaAbs = 1;
            retries = 0;
            rtoAt = NEVER;
            sampleRtt(ack, now);
            updateSendWindow(seg);
            setState(TcpState.ESTABLISHED, now);
            return true;
        }
        if (lt(sndMax, ack)) {
            sendAck(now); // acknowledges something we never sent
            return false;
        }
        if (lt(ack, sndUna - Math.max(maxSndWnd, 1))) {
            tcp.challengeAck(this, now); // RFC 5961 section 5: too old to be genuine
            return false;
        }
        probes = 0; // the peer answers: window probing may go on
        int peerWindow = seg.window() << sndShift;
        boolean windowChanged = peerWindow != sndWnd;
        boolean advanced = lt(sndUna, ack);
        boolean duplicate = !advanced && ack == sndUna && seg.payload().remaining() == 0 && !seg.has(TcpSegment.FIN)
                && !windowChanged && sndMax != sndUna;
        int acked = ack - sndUna;
        int flightBefore = flight();
        if (advanced) {
            newAck(ack, seg, now);
            probes = 0;
        }
        if (sackOk) {
            takeSackBlocks(seg);
            sackRecovery(advanced, duplicate, acked, flightBefore, now);
        } else {
            newRenoRecovery(advanced, duplicate, acked, flightBefore, now);
        }
        if (advanced) {
            finAcked(ack, now);
        }
        if (lt(sndWl1, seg.seq()) || (sndWl1 == seg.seq() && le(sndWl2, ack))) {
            updateSendWindow(seg);
        }
        return true;
    }

    private void updateSendWindow(TcpSegment seg) {
        sndWnd = seg.window() << sndShift;
        sndWl1 = seg.seq();
        sndWl2 = seg.ack();
        maxSndWnd = Math.max(maxSndWnd, sndWnd);
        if (sndWnd > 0) {
            probes = 0;
        }
    }

    private int flight() {
        return sndMax - sndUna;
    }

    /** Bookkeeping of an ACK that acknowledges new data: buffer, RTT, timers. */
    private void newAck(int ack, TcpSegment seg, long now) {
        int acked = ack - sndUna;
        if (tsOk && seg.hasTimestamps() && seg.tsEcr() != 0) {
            if (!(timedOut && lt(seg.tsEcr(), tsAtTimeout))) {
                timestampRtt(seg.tsEcr(), now);
            }
        } else {
            sampleRtt(ack, now);
        }
        rtt.resetBackOff();
        // Drop acknowledged data from the send buffer (the FIN occupies no buffer byte).
        int dataAcked = (int) Math.min(Math.max(0, ack - sendSeq), sendLen);
        sendHead = sendBuf.length == 0 ? 0 : (sendHead + dataAcked) % sendBuf.length;
        sendLen -= dataAcked;
        sendSeq += dataAcked;
        sndUna = ack;
        unaAbs += acked;
        if (board != null) {
            board.advance(unaAbs);
        }
        highRxt = Math.max(highRxt, unaAbs);
        if (lt(sndNxt, ack)) {
            sndNxt = ack;
        }
        retries = 0;
        rtoAt = sndMax == sndUna ? NEVER : now + rtt.rto();
    }

    /**
     * RFC 7323 section 4: the echoed timestamp gives a sample even for retransmitted data (no
     * Karn ambiguity). One sample per round trip, so the estimator's gains keep their meaning.
     * Not from echoes of segments sent before the last timeout: a peer that got the original but
     * whose ACK was lost echoes the original's timestamp, and the sample would include the
     * timeout, which would feed on itself.
     */
    private void timestampRtt(int tsEcr, long now) {
        long sample = (long) (tsNow(now) - tsEcr) * 1_000_000L;
        if (sample < 0 || sample > config.maxRto().toNanos()) {
            return; // a bogus echo
        }
        if (now - lastTsSample >= Math.max(0, rtt.srtt())) {
            lastTsSample = now;
            timing = false;
            rtt.sample(sample);
        }
    }

    private void finAcked(int ack, long now) {
        boolean finAcked = finQueued && ack == sendSeq + sendLen + 1 && sendLen == 0;
        if (finAcked) {
            switch (state) {
                case FIN_WAIT_1 -> {
                    setState(TcpState.FIN_WAIT_2, now);
                    if (appClosed) {
                        finWait2At = now + config.finWait2Timeout().toNanos();
                    }
                }
                case CLOSING -> enterTimeWait(now);
                case LAST_ACK -> terminate(null, now);
                default -> { }
            }
        }
    }

    private void sampleRtt(int ack, long now) {
        if (timing && lt(timedSeq, ack)) {
            timing = false;
            rtt.sample(now - timedAt);
        }
    }

    /** Fast retransmit and NewReno (RFC 5681, RFC 6582), for peers without SACK. */
    private void newRenoRecovery(boolean advanced, boolean duplicate, int acked, int flightBefore, long now) {
        if (advanced) {
            if (inRecovery) {
                if (lt(sndUna, recover)) {
                    cc.onPartialAck(acked);
                    retransmitFirst(now);
                } else {
                    inRecovery = false;
                    cc.onRecoveryEnd(flight(), now);
                }
            } else {
                cc.onAck(Math.min(acked, flightBefore), now, rtt.srtt());
            }
            dupAcks = 0;
        }
        if (!duplicate) {
            return;
        }
        dupAcks++;
        if (inRecovery) {
            cc.onDuplicateAckInRecovery();
            return;
        }
        // RFC 6582: a new recovery only if the ACK covers more than the last recovery point.
        if (dupAcks == DUPACK_THRESHOLD && lt(recover, sndUna + 1)) {
            inRecovery = true;
            recover = sndMax;
            cc.onFastRetransmit(flight(), now);
            tcp.recoveryStarted(false);
            retransmitFirst(now);
        }
    }

    /** Records the SACK blocks of an ACK in the scoreboard (only those within what is outstanding). */
    private void takeSackBlocks(TcpSegment seg) {
        int[] blocks = seg.sackBlocks();
        for (int k = 0; k + 1 < blocks.length; k += 2) {
            int left = blocks[k];
            int right = blocks[k + 1];
            if (lt(left, right) && lt(sndUna, right) && le(right, sndMax)) {
                int from = lt(left, sndUna) ? sndUna : left;
                board.add(unaAbs + (from - sndUna), unaAbs + (right - sndUna));
            }
        }
    }

    /** SACK-based loss recovery (RFC 6675 section 5); the transmissions happen in {@link #output}. */
    private void sackRecovery(boolean advanced, boolean duplicate, int acked, int flightBefore, long now) {
        if (advanced) {
            dupAcks = 0;
            if (inRecovery && !lt(sndUna, recover)) {
                inRecovery = false;
                cc.onRecoveryEnd(flight(), now);
            } else if (!inRecovery) {
                cc.onAck(Math.min(acked, flightBefore), now, rtt.srtt());
            }
        }
        if (duplicate) {
            dupAcks++;
        }
        if (inRecovery || sndMax == sndUna || !lt(recover, sndUna + 1)) {
            return;
        }
        if (dupAcks >= DUPACK_THRESHOLD || board.isLost(unaAbs, mss)) {
            inRecovery = true;
            recover = sndMax;
            highRxt = unaAbs;
            cc.onSackRecovery(flight(), now);
            tcp.recoveryStarted(true);
            // Step 4.3: the first segment presumed lost goes at once, whatever cwnd and pipe say.
            long end = Math.min(unaAbs + mss, board.holeEnd(unaAbs, unaAbs + flight()));
            int sent = retransmitRange(sndUna, (int) (end - unaAbs), now);
            highRxt = unaAbs + sent;
            rtoAt = now + rtt.rto();
        }
    }

    /**
     * RFC 6675 section 5 step (C): while cwnd - pipe allows a segment, send what NextSeg picks:
     * a hole deemed lost, else new data, else a hole below the highest SACKed byte.
     */
    private void sackTransmit(long now) {
        long highData = unaAbs + flight();
        // Bounded: every turn sends at least one byte or stops.
        for (int turn = 0; turn < 4096; turn++) {
            long pipe = board.pipe(unaAbs, highData, highRxt, mss);
            if (cc.window() - pipe < mss) {
                return;
            }
            long from = Math.max(highRxt, unaAbs);
            long lost = board.lostBoundary(mss);
            long s = lost > from ? board.firstUnsacked(from, lost) : -1;
            if (s < 0) {
                int sent = output(now, false, true);
                if (sent > 0) {
                    highData = unaAbs + flight();
                    continue;
                }
                long highest = board.highestSacked();
                s = highest > from ? board.firstUnsacked(from, highest) : -1;
                if (s < 0) {
                    return;
                }
            }
            long end = Math.min(s + mss, board.holeEnd(s, highData));
            int sent = retransmitRange(sndUna + (int) (s - unaAbs), (int) (end - s), now);
            if (sent == 0) {
                return;
            }
            highRxt = s + sent;
        }
    }

    /** Sends the first unacknowledged segment again without moving sndNxt. */
    private void retransmitFirst(long now) {
        retransmitRange(sndUna, mss, now);
        rtoAt = now + rtt.rto();
    }

    /**
     * Sends up to {@code len} bytes from {@code seq} again (with the FIN if it was sent and comes
     * right after), never beyond sndMax: an ACK for bytes we never counted as sent would be refused.
     *
     * @return the sequence space sent
     */
    private int retransmitRange(int seq, int len, long now) {
        timing = false; // Karn: no sample from a retransmitted range
        int dataEnd = sendSeq + sendLen;
        int dataLen = Math.max(0, Math.min(len, (lt(sndMax, dataEnd) ? sndMax : dataEnd) - seq));
        boolean fin = finQueued && seq + dataLen == dataEnd && lt(dataEnd, sndMax);
        if (dataLen == 0 && !fin) {
            return 0;
        }
        sendData(seq, dataLen, fin, now);
        return dataLen + (fin ? 1 : 0);
    }

    private void processData(TcpSegment seg, long now) {
        ByteBuffer payload = seg.payload();
        int seq = seg.seq();
        boolean receiving = state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2;
        if (payload.hasRemaining() && receiving) {
            if (appClosed) {
                // Nobody will read it: tell the peer (RFC 9293 section 3.10.7.4 and RFC 1122 4.2.2.13).
                abort(now);
                return;
            }
            int skip = rcvNxt - seq; // bytes before rcvNxt, already received
            int from = Math.max(0, skip);
            long start = rcvAbs + Math.max(0, seq - rcvNxt);
            int room = (int) Math.max(0, rcvEdge - start);
            int n = Math.min(payload.remaining() - from, room);
            if (n > 0) {
                if (start == rcvAbs) {
                    append(payload, from, n);
                    drainOutOfOrder();
                    // Count full-sized segments' worth of data, not segments: one GSO super-frame
                    // from a TAP with TSO carries many, and its ACK must not wait (RFC 5681 4.2).
                    segmentsUnacked += Math.max(1, n / mss);
                    boolean fullSegments = segmentsUnacked >= 2;
                    if (fullSegments || !outOfOrder.isEmpty()) {
                        sendAck(now);
                    } else if (delayedAckAt == NEVER) {
                        delayedAckAt = now + config.delayedAck().toNanos();
                    }
                } else {
                    storeOutOfOrder(start, payload, from, n);
                    sendAck(now); // a duplicate ACK tells the sender about the hole at once
                }
            } else {
                sendAck(now);
            }
        }
        if (seg.has(TcpSegment.FIN) && seq + payload.remaining() == rcvNxt && !peerFin && receiving) {
            peerFin = true;
            rcvNxt++;
            rcvAbs++;
            rcvEdge = Math.max(rcvEdge, rcvAbs);
            sendAck(now);
            switch (state) {
                case ESTABLISHED -> setState(TcpState.CLOSE_WAIT, now);
                case FIN_WAIT_1 -> setState(TcpState.CLOSING, now);
                case FIN_WAIT_2 -> enterTimeWait(now);
                default -> { }
            }
        } else if (seg.has(TcpSegment.FIN) && state == TcpState.TIME_WAIT) {
            timeWaitAt = now + config.timeWait().toNanos();
            sendAck(now);
        }
    }

    private void append(ByteBuffer payload, int from, int n) {
        if (recvLen + n > recvBuf.length) {
            recvBuf = grown(recvBuf, recvHead, recvLen, n, recvCap, tcp.rings);
            recvHead = 0;
        }
        int tail = (recvHead + recvLen) % recvBuf.length;
        int first = Math.min(n, recvBuf.length - tail);
        payload.get(payload.position() + from, recvBuf, tail, first);
        payload.get(payload.position() + from + first, recvBuf, 0, n - first);
        recvLen += n;
        rcvNxt += n;
        rcvAbs += n;
    }

    /**
     * A ring buffer with room for {@code more} bytes after the {@code length} it holds from
     * {@code head}: the same one if they fit, else one from {@code pool} (contents from index 0)
     * twice as large or more, up to {@code cap}, the old one going back to the pool. Buffers start
     * small and grow to the configured bound only for connections that carry that much, so
     * thousands of small flows stay cheap.
     */
    static byte[] grown(byte[] ring, int head, int length, int more, int cap, RingPool pool) {
        if (length + more <= ring.length) {
            return ring;
        }
        int size = (int) Math.min(cap, Math.max((long) length + more, Math.max(INITIAL_BUFFER, 2L * ring.length)));
        byte[] bigger = pool.take(size);
        int first = Math.min(length, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, length - first);
        pool.give(ring);
        return bigger;
    }

    private void storeOutOfOrder(long start, ByteBuffer payload, int from, int n) {
        if (outOfOrderBytes + n > recvCap || outOfOrder.size() >= MAX_OUT_OF_ORDER_SEGMENTS) {
            return; // bounded: duplicates of held ranges must not grow memory
        }
        lastOutOfOrder = start;
        byte[] held = outOfOrder.get(start);
        if (held != null && held.length >= n) {
            return;
        }
        byte[] copy = new byte[n];
        payload.get(payload.position() + from, copy);
        outOfOrder.put(start, copy);
        outOfOrderBytes += n - (held == null ? 0 : held.length);
    }

    private void drainOutOfOrder() {
        for (Map.Entry<Long, byte[]> e = outOfOrder.firstEntry(); e != null && e.getKey() <= rcvAbs; e = outOfOrder.firstEntry()) {
            outOfOrder.pollFirstEntry();
            byte[] d = e.getValue();
            outOfOrderBytes -= d.length;
            long end = e.getKey() + d.length;
            if (end > rcvAbs) {
                int skip = (int) (rcvAbs - e.getKey());
                append(ByteBuffer.wrap(d), skip, d.length - skip);
            }
        }
    }

    private void enterTimeWait(long now) {
        if (!tcp.timeWaitAllowed()) {
            terminate(null, now);
            return;
        }
        setState(TcpState.TIME_WAIT, now);
        timeWaitAt = now + config.timeWait().toNanos();
    }

    // ---------------------------------------------------------------- output

    private boolean sending() {
        return switch (state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    /** Sends what the windows, Nagle and SWS avoidance allow; sends the FIN after the last byte. */
    void output(long now) {
        if (inRecovery && sackOk && sending()) {
            sackTransmit(now);
            return;
        }
        output(now, false, false);
    }

    /**
     * @param force send a segment smaller than Nagle or SWS avoidance allow (the override timeout)
     * @param oneSegment send at most one segment, within the peer's window only (SACK recovery
     *     checked the congestion window against pipe)
     * @return the sequence space sent
     */
    private int output(long now, boolean force, boolean oneSegment) {
        if (!sending()) {
            return 0;
        }
        int dataEnd = sendSeq + sendLen;
        int sent = 0;
        // Bounded: each turn sends at least one byte or the FIN, within the send buffer.
        for (int turn = 0; turn <= sendCap + 1; turn++) {
            int inFlight = sndNxt - sndUna;
            int available = Math.max(0, dataEnd - sndNxt);
            boolean finPending = finQueued && lt(sndNxt, dataEnd + 1);
            int usable = Math.max(0, (oneSegment ? sndWnd : Math.min(sndWnd, congestionAllowance())) - inFlight);
            int len = Math.min(tcp.sendSegment(mss, tsOk ? TIMESTAMP_OPTION : 0), Math.min(available, usable));
            boolean fin = finPending && len == available;
            if (len == 0 && !fin) {
                break;
            }
            if (len > 0 && len < mss && !fin) {
                boolean allQueued = len == available;
                boolean nagleHolds = nagle && inFlight > 0;
                boolean bigEnough = len >= maxSndWnd / 2;
                if (!(force || (allQueued && !nagleHolds) || (bigEnough && inFlight == 0) || (inFlight == 0 && allQueued))) {
                    break;
                }
            }
            boolean fresh = sndNxt == sndMax;
            sendData(sndNxt, len, fin, now);
            if (fresh && !timing && len > 0) {
                timing = true;
                timedSeq = sndNxt;
                timedAt = now;
            }
            sndNxt += len + (fin ? 1 : 0);
            sent += len + (fin ? 1 : 0);
            if (lt(sndMax, sndNxt)) {
                sndMax = sndNxt;
            }
            if (rtoAt == NEVER) {
                rtoAt = now + rtt.rto();
            }
            if (fin) {
                switch (state) {
                    case ESTABLISHED -> setState(TcpState.FIN_WAIT_1, now);
                    case CLOSE_WAIT -> setState(TcpState.LAST_ACK, now);
                    default -> { }
                }
                break;
            }
            if (oneSegment) {
                break;
            }
        }
        // Data waits and nothing is in flight to bring an ACK: the persist timer makes sure
        // a lost window update cannot stall the connection.
        boolean blocked = lt(sndNxt, dataEnd) && sndNxt == sndUna;
        if (blocked && persistAt == NEVER) {
            persistInterval = Math.max(PERSIST_MIN, rtt.rto());
            persistAt = now + persistInterval;
        }
        return sent;
    }

    /**
     * The congestion window, plus one segment for each of the first two duplicate ACKs outside
     * recovery: limited transmit (RFC 3042), so a small window still yields the third duplicate
     * ACK (or the SACK information) that starts fast recovery instead of waiting for a timeout.
     */
    private int congestionAllowance() {
        boolean limitedTransmit = !inRecovery && dupAcks > 0 && dupAcks < DUPACK_THRESHOLD;
        return (int) Math.min(Integer.MAX_VALUE, cc.window() + (limitedTransmit ? (long) dupAcks * mss : 0));
    }

    private void sendData(int seq, int len, boolean fin, long now) {
        int flags = TcpSegment.ACK | (len > 0 ? TcpSegment.PSH : 0) | (fin ? TcpSegment.FIN : 0);
        updateEdge();
        int offset = sendBuf.length == 0 ? 0 : (sendHead + (seq - sendSeq)) % sendBuf.length;
        tcp.send(this, seq, rcvNxt, flags, windowField(), segmentOptions(now, len), sendBuf, offset, len, now);
        lastAckSent = rcvNxt;
        ackSent();
    }

    /**
     * Options of a non-SYN segment: the timestamps once agreed, SACK blocks while data is held
     * out of order (left out of a data segment they would push beyond the peer's MSS).
     */
    private TcpSegment.Options segmentOptions(long now, int dataLength) {
        int[] blocks = sackOk && !outOfOrder.isEmpty() ? sackBlocks() : NO_BLOCKS;
        if (blocks.length > 0 && dataLength > 0 && dataLength + 4 + 8 * Math.min(3, blocks.length / 2) > mss) {
            blocks = NO_BLOCKS;
        }
        if (!tsOk && blocks.length == 0) {
            return TcpSegment.Options.NONE;
        }
        return new TcpSegment.Options(0, -1, false, tsOk, tsNow(now), tsRecent, blocks);
    }

    /**
     * SACK blocks (RFC 2018 section 4): the range holding the latest out-of-order segment first,
     * then the others from the highest down, as left/right sequence numbers.
     */
    private int[] sackBlocks() {
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : outOfOrder.entrySet()) {
            long start = e.getKey();
            long end = start + e.getValue().length;
            if (!ranges.isEmpty() && start <= ranges.getLast()[1]) {
                ranges.getLast()[1] = Math.max(ranges.getLast()[1], end);
            } else {
                ranges.add(new long[] {start, end});
            }
        }
        int first = ranges.size() - 1;
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i)[0] <= lastOutOfOrder && lastOutOfOrder < ranges.get(i)[1]) {
                first = i;
            }
        }
        int n = Math.min(4, ranges.size());
        int[] blocks = new int[2 * n];
        blocks[0] = irs + (int) ranges.get(first)[0];
        blocks[1] = irs + (int) ranges.get(first)[1];
        int k = 2;
        for (int i = ranges.size() - 1; i >= 0 && k < blocks.length; i--) {
            if (i != first) {
                blocks[k++] = irs + (int) ranges.get(i)[0];
                blocks[k++] = irs + (int) ranges.get(i)[1];
            }
        }
        return blocks;
    }

    /** Sends a bare ACK now. */
    void sendAck(long now) {
        if (state == TcpState.CLOSED || state == TcpState.SYN_SENT) {
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            sendSyn(now);
            return;
        }
        updateEdge();
        // sndMax, not sndNxt: after a timeout sndNxt went back, but the peer may have
        // received everything up to sndMax and would find an older number unacceptable.
        tcp.send(this, sndMax, rcvNxt, TcpSegment.ACK, windowField(), segmentOptions(now, 0), null, 0, 0, now);
        lastAckSent = rcvNxt;
        ackSent();
    }

    private void ackSent() {
        segmentsUnacked = 0;
        delayedAckAt = NEVER;
    }

    // ---------------------------------------------------------------- timers

    /** When this connection's next timer fires; {@link Long#MAX_VALUE} when it only waits for the peer (diagnostics, tests). */
    public long nextTimer() {
        return nextDeadline();
    }

    long nextDeadline() {
        return Math.min(Math.min(Math.min(rtoAt, persistAt), keepAliveAt), Math.min(delayedAckAt, Math.min(timeWaitAt, finWait2At)));
    }

    void poll(long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (timeWaitAt <= now && state == TcpState.TIME_WAIT) {
            terminate(null, now);
            return;
        }
        if (finWait2At <= now && state == TcpState.FIN_WAIT_2) {
            terminate(null, now);
            return;
        }
        if (delayedAckAt <= now) {
            sendAck(now);
        }
        if (rtoAt <= now) {
            retransmissionTimeout(now);
        }
        if (persistAt <= now && state != TcpState.CLOSED) {
            windowProbe(now);
        }
        if (keepAliveAt <= now && state != TcpState.CLOSED) {
            keepAliveProbe(now);
        }
    }

    /**
     * RFC 9293 section 3.8.4: when idle, a segment with an old sequence number makes a live peer
     * answer with an ACK (which re-arms the timer); too many unanswered probes end the connection.
     */
    private void keepAliveProbe(long now) {
        boolean busy = sndMax != sndUna || lt(sndNxt, sendSeq + sendLen);
        if (busy) {
            armKeepAlive(now); // the retransmission and persist timers watch the peer meanwhile
            return;
        }
        if (++keepAliveProbes > config.keepAlive().count()) {
            tcp.send(this, sndNxt, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, TcpSegment.Options.NONE, null, 0, 0, now);
            fail("timed out (keepalive: the peer stopped answering)", now);
            return;
        }
        updateEdge();
        tcp.send(this, sndUna - 1, rcvNxt, TcpSegment.ACK, windowField(), segmentOptions(now, 0), null, 0, 0, now);
        lastAckSent = rcvNxt;
        keepAliveAt = now + config.keepAlive().interval().toNanos();
    }

    private void retransmissionTimeout(long now) {
        debug("RTO", now);
        tcp.retransmissionTimedOut();
        boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (++retries > (handshake ? config.maxSynRetries() : config.maxRetries())) {
            if (handshake && listener != null) {
                terminate(null, now); // a half-open connection nobody saw: released silently
            } else {
                if (!handshake) {
                    // Best effort: if the peer is still there, it learns at once instead of waiting.
                    tcp.send(this, sndNxt, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, TcpSegment.Options.NONE, null, 0, 0, now);
                }
                fail("timed out", now);
            }
            return;
        }
        rtt.backOff();
        timing = false;
        rtoAt = now + rtt.rto();
        if (handshake) {
            sendSyn(now);
            return;
        }
        cc.onTimeout(flight(), now);
        timedOut = true;
        tsAtTimeout = tsNow(now);
        inRecovery = false;
        if (board != null) {
            board.clear(); // RFC 2018 section 8: the receiver may have reneged; start over from sndUna
        }
        highRxt = unaAbs;
        recover = sndMax;
        dupAcks = 0;
        sndNxt = sndUna; // go back: resend from the first unacknowledged byte
        if (sndWnd == 0) {
            // Nothing fits: the persist timer takes over probing.
            rtoAt = NEVER;
            retries = 0;
        }
        output(now);
        if (sndNxt == sndUna && sndUna != sndMax) {
            retransmitFirst(now);
        }
    }

    private void windowProbe(long now) {
        int dataEnd = sendSeq + sendLen;
        if (!(lt(sndNxt, dataEnd) && sndNxt == sndUna)) {
            persistAt = NEVER;
            return;
        }
        if (sndWnd > 0) {
            // A window too small for SWS avoidance: send what fits rather than wait (override timeout).
            persistAt = NEVER;
            output(now, true, false);
            return;
        }
        if (++probes > config.maxRetries()) {
            fail("timed out (the peer's window stayed closed and it stopped answering)", now);
            return;
        }
        // Like Linux: an old sequence number elicits an ACK carrying the current window.
        updateEdge();
        tcp.send(this, sndUna - 1, rcvNxt, TcpSegment.ACK, windowField(), segmentOptions(now, 0), null, 0, 0, now);
        lastAckSent = rcvNxt;
        persistInterval = Math.min(config.maxRto().toNanos(), persistInterval * 2);
        persistAt = now + persistInterval;
    }

    /** In TIME_WAIT: whether a new SYN with {@code seq} lies above everything this incarnation used. */
    boolean acceptsNewIncarnation(int seq) {
        return lt(rcvNxt, seq);
    }

    /** Releases the connection without a segment (TIME_WAIT taken over by a new incarnation). */
    void abandon(long now) {
        terminate(null, now);
    }

    @Override
    public String toString() {
        return "tcp " + key + " " + state + (error == null ? "" : " (" + error + ")");
    }
}
