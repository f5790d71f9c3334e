package dev.morgana.tcpip.tcp;

import dev.morgana.tcpip.wire.TcpSegment;
import dev.morgana.types.Ipv4Address;
import java.nio.ByteBuffer;
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
 * with window probes; FIN both ways with half-close; TIME_WAIT; RST with the RFC 5961 checks. Not
 * negotiated, hence not used: window scaling, timestamps, SACK. Not thread-safe: the owner of
 * the {@link Tcp} drives it.
 */
public final class TcpConnection {

    private static final long NEVER = Long.MAX_VALUE;
    private static final byte[] EMPTY = new byte[0];
    private static final int DEFAULT_PEER_MSS = 536;
    private static final int DUPACK_THRESHOLD = 3;
    private static final long PERSIST_MIN = 200_000_000L;
    private static final long INVALID_ANSWER_INTERVAL = 100_000_000L;

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
    /** Allocated on first use and released once closed, so half-open and TIME_WAIT connections hold no buffers. */
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

    TcpConnection(Tcp tcp, TcpConfig config, Tcp.Key key, Tcp.Listening listener, int iss, int ourMss, long now) {
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
        this.cc = new NewReno(mss);
    }

    /** Active open: sends the SYN. */
    void open(long now) {
        state = TcpState.SYN_SENT;
        sendSyn(now);
    }

    /** Passive open from a listener: takes the peer's SYN and answers SYN-ACK. */
    void accept(TcpSegment syn, long now) {
        state = TcpState.SYN_RECEIVED;
        takeSyn(syn);
        sendSyn(now);
    }

    private void takeSyn(TcpSegment syn) {
        irs = syn.seq();
        rcvNxt = irs + 1;
        rcvAbs = 1;
        rcvEdge = 1 + recvCap;
        if (syn.mss() > 0) {
            mss = Math.max(64, Math.min(ourMss, syn.mss()));
        }
        cc = new NewReno(mss);
        sndWnd = syn.window();
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq();
    }

    private void sendSyn(long now) {
        int flags = TcpSegment.SYN | (state == TcpState.SYN_RECEIVED ? TcpSegment.ACK : 0);
        tcp.send(this, iss, state == TcpState.SYN_RECEIVED ? rcvNxt : 0, flags, window(), ourMss, null, 0, 0, now);
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
     * Copies received bytes into {@code dst}; may send a window update.
     *
     * @return the bytes copied, 0 if none are there
     */
    public int read(ByteBuffer dst, long now) {
        int n = Math.min(dst.remaining(), recvLen);
        if (n == 0) {
            return 0;
        }
        int first = Math.min(n, recvCap - recvHead);
        dst.put(recvBuf, recvHead, first);
        dst.put(recvBuf, 0, n - first);
        recvHead = (recvHead + n) % recvCap;
        recvLen -= n;
        if (recvLen == 0 && (state == TcpState.CLOSED || state == TcpState.TIME_WAIT)) {
            recvBuf = EMPTY;
        }
        if (n > 0 && state.synchronized_() && !peerFin) {
            long edgeBefore = rcvEdge;
            // Announce the opened window once it grew enough to matter (receiver SWS avoidance).
            if (rcvAbs + (recvCap - recvLen) - edgeBefore >= Math.min(recvCap / 2, mss)) {
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
        if (sendBuf.length == 0) {
            sendBuf = new byte[sendCap];
        }
        int tail = (sendHead + sendLen) % sendCap;
        int first = Math.min(n, sendCap - tail);
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
            tcp.send(this, sndNxt, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, 0, null, 0, 0, now);
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
            outOfOrder.clear();
            outOfOrderBytes = 0;
            sendBuf = EMPTY; // nothing will be sent again
            if (recvLen == 0) {
                recvBuf = EMPTY;
            }
        }
        tcp.stateChanged(this, before, next, now);
    }

    // ---------------------------------------------------------------- input

    private int window() {
        return (int) Math.min(65535, Math.max(0, rcvEdge - rcvAbs));
    }

    /** Moves the advertised right edge when the free space grew enough (receiver SWS avoidance). */
    private void updateEdge() {
        long candidate = rcvAbs + (recvCap - recvLen);
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
        takeSyn(seg);
        if (ackOk) {
            sndUna = seg.ack();
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
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
            output(now);
        }
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
        boolean windowChanged = seg.window() != sndWnd;
        if (lt(sndUna, ack)) {
            newAck(ack, now);
            probes = 0;
        } else if (ack == sndUna && seg.payload().remaining() == 0 && !seg.has(TcpSegment.FIN) && !windowChanged
                && sndMax != sndUna) {
            duplicateAck(now);
        }
        if (lt(sndWl1, seg.seq()) || (sndWl1 == seg.seq() && le(sndWl2, ack))) {
            updateSendWindow(seg);
        }
        return true;
    }

    private void updateSendWindow(TcpSegment seg) {
        sndWnd = seg.window();
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

    private void newAck(int ack, long now) {
        int acked = ack - sndUna;
        int flightBefore = flight();
        sampleRtt(ack, now);
        rtt.resetBackOff();
        // Drop acknowledged data from the send buffer (the FIN occupies no buffer byte).
        int dataAcked = (int) Math.min(Math.max(0, ack - sendSeq), sendLen);
        sendHead = (sendHead + dataAcked) % sendCap;
        sendLen -= dataAcked;
        sendSeq += dataAcked;
        sndUna = ack;
        if (lt(sndNxt, ack)) {
            sndNxt = ack;
        }
        retries = 0;
        if (inRecovery) {
            if (lt(ack, recover)) {
                cc.onPartialAck(acked);
                retransmitFirst(now);
            } else {
                inRecovery = false;
                cc.onRecoveryEnd(flight());
            }
        } else {
            cc.onAck(Math.min(acked, flightBefore));
        }
        dupAcks = 0;
        rtoAt = sndMax == sndUna ? NEVER : now + rtt.rto();
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

    private void duplicateAck(long now) {
        dupAcks++;
        if (inRecovery) {
            cc.onDuplicateAckInRecovery();
            return;
        }
        // RFC 6582: a new recovery only if the ACK covers more than the last recovery point.
        if (dupAcks == DUPACK_THRESHOLD && lt(recover, sndUna + 1)) {
            inRecovery = true;
            recover = sndMax;
            cc.onFastRetransmit(flight());
            retransmitFirst(now);
        }
    }

    /** Sends the first unacknowledged segment again without moving sndNxt. */
    private void retransmitFirst(long now) {
        timing = false; // Karn: no sample from a retransmitted range
        int dataEnd = sendSeq + sendLen;
        // Never beyond sndMax: an ACK for bytes we never counted as sent would be refused.
        int len = Math.max(0, Math.min(mss, (lt(sndMax, dataEnd) ? sndMax : dataEnd) - sndUna));
        boolean fin = finQueued && sndUna + len == dataEnd && lt(dataEnd, sndMax);
        sendData(sndUna, len, fin, now);
        rtoAt = now + rtt.rto();
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
        if (recvBuf.length == 0) {
            recvBuf = new byte[recvCap];
        }
        int tail = (recvHead + recvLen) % recvCap;
        int first = Math.min(n, recvCap - tail);
        payload.get(payload.position() + from, recvBuf, tail, first);
        payload.get(payload.position() + from + first, recvBuf, 0, n - first);
        recvLen += n;
        rcvNxt += n;
        rcvAbs += n;
    }

    private void storeOutOfOrder(long start, ByteBuffer payload, int from, int n) {
        if (outOfOrderBytes + n > recvCap) {
            return; // bounded: duplicates of held ranges must not grow memory
        }
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
        output(now, false);
    }

    /** @param force send a segment smaller than Nagle or SWS avoidance allow (the override timeout) */
    private void output(long now, boolean force) {
        if (!sending()) {
            return;
        }
        int dataEnd = sendSeq + sendLen;
        // Bounded: each turn sends at least one byte or the FIN, within the send buffer.
        for (int turn = 0; turn <= sendCap + 1; turn++) {
            int inFlight = sndNxt - sndUna;
            int available = Math.max(0, dataEnd - sndNxt);
            boolean finPending = finQueued && lt(sndNxt, dataEnd + 1);
            int usable = Math.max(0, Math.min(sndWnd, cc.window()) - inFlight);
            int len = Math.min(tcp.sendSegment(mss), Math.min(available, usable));
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
        }
        // Data waits and nothing is in flight to bring an ACK: the persist timer makes sure
        // a lost window update cannot stall the connection.
        boolean blocked = lt(sndNxt, dataEnd) && sndNxt == sndUna;
        if (blocked && persistAt == NEVER) {
            persistInterval = Math.max(PERSIST_MIN, rtt.rto());
            persistAt = now + persistInterval;
        }
    }

    private void sendData(int seq, int len, boolean fin, long now) {
        int flags = TcpSegment.ACK | (len > 0 ? TcpSegment.PSH : 0) | (fin ? TcpSegment.FIN : 0);
        updateEdge();
        int offset = (sendHead + (seq - sendSeq)) % sendCap;
        tcp.send(this, seq, rcvNxt, flags, window(), 0, sendBuf, offset, len, now);
        ackSent();
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
        tcp.send(this, sndMax, rcvNxt, TcpSegment.ACK, window(), 0, null, 0, 0, now);
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
        return Math.min(Math.min(rtoAt, persistAt), Math.min(delayedAckAt, Math.min(timeWaitAt, finWait2At)));
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
    }

    private void retransmissionTimeout(long now) {
        debug("RTO", now);
        boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (++retries > (handshake ? config.maxSynRetries() : config.maxRetries())) {
            if (handshake && listener != null) {
                terminate(null, now); // a half-open connection nobody saw: released silently
            } else {
                if (!handshake) {
                    // Best effort: if the peer is still there, it learns at once instead of waiting.
                    tcp.send(this, sndNxt, rcvNxt, TcpSegment.RST | TcpSegment.ACK, 0, 0, null, 0, 0, now);
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
        cc.onTimeout(flight());
        inRecovery = false;
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
            output(now, true);
            return;
        }
        if (++probes > config.maxRetries()) {
            fail("timed out (the peer's window stayed closed and it stopped answering)", now);
            return;
        }
        // Like Linux: an old sequence number elicits an ACK carrying the current window.
        updateEdge();
        tcp.send(this, sndUna - 1, rcvNxt, TcpSegment.ACK, window(), 0, null, 0, 0, now);
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
