package dev.morgana.tcpip.tcp;

import dev.morgana.tcpip.ipv4.Ipv4;
import dev.morgana.tcpip.wire.Ipv4Packet;
import dev.morgana.tcpip.wire.MalformedPacketException;
import dev.morgana.tcpip.wire.TcpSegment;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Random;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The TCP layer, sans-IO: demultiplexes segments to connections, runs listeners with a bounded
 * backlog of half-open connections (SYN cookies beyond it), answers segments for nobody with RST,
 * and drives every connection's timers through {@link #poll}. Registered with IPv4 for protocol 6.
 *
 * <p>Accepted connections are handed to the listener's callback once established. Closed
 * connections leave the table at once; {@link #connectionCount} counts what is held. Not
 * thread-safe: one owner drives it (the stack's event loop under its lock, or a simulation).
 */
public final class Tcp implements Ipv4.Transport {

    /** A connection's identity: the local address is the stack's single one. */
    public record Key(int remoteIp, int remotePort, int localPort) {
        @Override
        public String toString() {
            return localPort + "<->" + new Ipv4Address(remoteIp) + ":" + remotePort;
        }
    }

    /** A listening port. */
    public final class Listening {
        final int port;
        final Consumer<TcpConnection> onAccept;
        int halfOpen;
        boolean closed;

        private Listening(int port, Consumer<TcpConnection> onAccept) {
            this.port = port;
            this.onAccept = onAccept;
        }

        public int port() {
            return port;
        }
    }

    private static final int EPHEMERAL_FIRST = 49152;
    private static final int EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;
    /** RFC 5961 section 7: challenge ACKs per second, all connections together. */
    private static final int CHALLENGE_ACKS_PER_SECOND = 100;

    private final Ipv4 ipv4;
    private final TcpConfig config;
    private final IsnGenerator isns;
    private final SynCookies cookies;
    /** When the last SYN cookie went out: ACKs are checked as cookies only for a while after. */
    private long lastCookieSent = Long.MIN_VALUE;
    private final Random random;
    private final Map<Key, TcpConnection> connections = new HashMap<>();
    private final Map<Integer, Listening> listeners = new HashMap<>();
    private int timeWaits;
    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengesInWindow;
    private long received;
    private long malformed;
    private long resetsSent;
    private long synsDropped;
    private long challengeAcks;
    private long segmentsSent;
    private long cookiesSent;
    private long cookiesAccepted;
    private long fastRecoveries;
    private long sackRecoveries;
    private long timeouts;
    /** Largest payload of one segment the link segments itself (TSO); 0 when it cannot. */
    private int maxSendSegment;
    /** Rings of ended connections for new ones: room for four connections' full buffers, at most 4 MiB. */
    final RingPool rings;

    public Tcp(Ipv4 ipv4, TcpConfig config, Random random) {
        this.ipv4 = ipv4;
        this.config = config;
        this.random = random;
        this.isns = new IsnGenerator(random);
        this.cookies = new SynCookies(random);
        this.rings = new RingPool((int) Math.min(4L << 20, 4L * ((long) config.sendBuffer() + config.receiveBuffer())));
        ipv4.register(Ipv4Packet.PROTOCOL_TCP, this);
    }

    /**
     * Lets connections hand segments of up to {@code bytes} of payload to a link that cuts them
     * into MSS-sized ones itself (TCP segmentation offload); 0 turns it off. Only connections whose
     * MSS is the one our MTU allows use it, so the link's cut matches the peer's MSS.
     */
    public void maxSendSegment(int bytes) {
        if (bytes < 0 || bytes > 65535 - Ipv4Packet.MIN_HEADER - 60) {
            throw new IllegalArgumentException("TCP: max send segment " + bytes + " (0 to " + (65535 - Ipv4Packet.MIN_HEADER - 60) + ")");
        }
        this.maxSendSegment = bytes;
    }

    /**
     * The largest segment payload a connection with MSS {@code mss} may send at once;
     * {@code optionBytes} are the options every segment of it carries (timestamps), which the
     * link's cut (MTU minus headers and options) also leaves out.
     */
    int sendSegment(int mss, int optionBytes) {
        return mss + optionBytes == ourMss() && maxSendSegment > mss ? maxSendSegment / mss * mss : mss;
    }

    /** The segment size our MTU allows. */
    private int ourMss() {
        return ipv4.mtu() - Ipv4Packet.MIN_HEADER - TcpSegment.HEADER_LENGTH;
    }

    /**
     * Listens on {@code port} (0 picks a free one); {@code onAccept} gets each connection once
     * established.
     *
     * @throws IOException if the port is taken
     */
    public Listening listen(int port, Consumer<TcpConnection> onAccept) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TCP port out of range: " + port);
        }
        if (port == 0) {
            port = freeListeningPort();
        }
        if (listeners.containsKey(port)) {
            throw new IOException("cannot listen on TCP port " + port + ": already listening");
        }
        Listening l = new Listening(port, onAccept);
        listeners.put(port, l);
        return l;
    }

    private int freeListeningPort() throws IOException {
        int start = Math.floorMod(random.nextInt(), EPHEMERAL_COUNT);
        for (int i = 0; i < EPHEMERAL_COUNT; i++) {
            int p = EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT;
            if (!listeners.containsKey(p)) {
                return p;
            }
        }
        throw new IOException("cannot listen on TCP: no free port");
    }

    /** Stops accepting on the listener's port; established connections carry on. */
    public void unlisten(Listening l) {
        l.closed = true;
        listeners.remove(l.port, l);
    }

    /**
     * Starts an active open to {@code address:port} from a free ephemeral port.
     *
     * @throws IOException if there is no route, no free port or no room for another connection
     */
    public TcpConnection connect(Ipv4Address address, int port, long now) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP port out of range: " + port);
        }
        if (!ipv4.config().configured()) {
            throw new IOException("cannot connect to " + address + ":" + port + ": no address configured");
        }
        if (connections.size() >= config.maxConnections()) {
            throw new IOException("cannot connect to " + address + ":" + port + ": " + connections.size() + " connections open");
        }
        int start = Math.floorMod(random.nextInt(), EPHEMERAL_COUNT);
        for (int i = 0; i < EPHEMERAL_COUNT; i++) {
            Key key = new Key(address.bits(), port, EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT);
            if (!connections.containsKey(key) && !listeners.containsKey(key.localPort())) {
                TcpConnection c = newConnection(key, null, now);
                connections.put(key, c);
                c.open(now);
                return c;
            }
        }
        throw new IOException("cannot connect to " + address + ":" + port + ": no free local port");
    }

    private TcpConnection newConnection(Key key, Listening listener, long now) {
        int isn = isns.isn(ipv4.source().bits(), key.localPort(), key.remoteIp(), key.remotePort(), now);
        return newConnection(key, listener, isn, now);
    }

    private TcpConnection newConnection(Key key, Listening listener, int isn, long now) {
        int tsOffset = isns.timestampOffset(ipv4.source().bits(), key.localPort(), key.remoteIp(), key.remotePort());
        return new TcpConnection(this, config, key, listener, isn, tsOffset, ourMss(), now);
    }

    @Override
    public void input(Ipv4Packet packet, long now) {
        received++;
        if (ipv4.isBroadcast(packet.destination())) {
            return; // TCP is unicast only
        }
        TcpSegment seg;
        try {
            seg = TcpSegment.parse(packet.payload(), packet.source(), packet.destination());
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        Key key = new Key(packet.source().bits(), seg.sourcePort(), seg.destinationPort());
        TcpConnection c = connections.get(key);
        if (c != null && c.state() == TcpState.TIME_WAIT && seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)
                && !seg.has(TcpSegment.RST) && listeners.containsKey(key.localPort()) && c.acceptsNewIncarnation(seg.seq())) {
            // RFC 9293 section 3.6.1: a new SYN above the old sequence space may reopen the pair.
            c.abandon(now);
            c = null;
        }
        if (c != null) {
            c.input(seg, now);
            return;
        }
        Listening l = listeners.get(key.localPort());
        if (l != null && seg.has(TcpSegment.ACK) && !seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.RST) && acceptCookie(l, key, seg, now)) {
            return;
        }
        if (l == null || seg.has(TcpSegment.RST) || seg.has(TcpSegment.ACK) || !seg.has(TcpSegment.SYN)) {
            if (!seg.has(TcpSegment.RST)) {
                if (seg.has(TcpSegment.ACK)) {
                    sendReset(key, seg.ack(), 0, false, now);
                } else {
                    sendReset(key, 0, seg.seq() + seg.length(), true, now);
                }
            }
            return;
        }
        if (connections.size() >= config.maxConnections()) {
            synsDropped++; // the client retransmits
            return;
        }
        if (l.halfOpen >= config.backlog()) {
            if (config.options().synCookies()) {
                sendCookie(key, seg, now);
            } else {
                synsDropped++; // the client retransmits
            }
            return;
        }
        TcpConnection n = newConnection(key, l, now);
        connections.put(key, n);
        l.halfOpen++;
        n.accept(seg, now);
    }

    /** Answers a SYN the full backlog has no room for with a SYN cookie; nothing is stored. */
    private void sendCookie(Key key, TcpSegment syn, long now) {
        int local = ipv4.source().bits();
        boolean ts = config.options().timestamps() && syn.hasTimestamps();
        int bits = ts ? SynCookies.optionBits(config.options().windowScaling() ? syn.windowScale() : -1,
                config.options().sack() && syn.sackPermitted()) : 0;
        int isn = cookies.cookie(key, local, syn.seq(), syn.mss(), bits, now);
        int tsVal = 0;
        if (ts) {
            // Our timestamp clock for this 4-tuple, with the option bits in its low bits, never
            // ahead of the clock so the connection's later timestamps do not go back (PAWS).
            int clock = (int) (now / 1_000_000L) + isns.timestampOffset(local, key.localPort(), key.remoteIp(), key.remotePort());
            tsVal = (clock & ~SynCookies.OPTION_MASK) | bits;
            if (tsVal - clock > 0) {
                tsVal -= SynCookies.OPTION_MASK + 1;
            }
        }
        boolean scale = ts && config.options().windowScaling() && syn.windowScale() >= 0;
        TcpSegment.Options o = new TcpSegment.Options(ourMss(), scale ? TcpConnection.shiftFor(config.receiveBuffer()) : -1,
                (bits & 0x10) != 0, ts, tsVal, syn.tsVal(), new int[0]);
        sendSegment(key, isn, syn.seq() + 1, TcpSegment.SYN | TcpSegment.ACK, Math.min(config.receiveBuffer(), 65535), o, null, 0, 0,
                now);
        cookiesSent++;
        lastCookieSent = now;
    }

    /** An ACK for a listener and no connection: a connection if it returns a valid SYN cookie. */
    private boolean acceptCookie(Listening l, Key key, TcpSegment ack, long now) {
        if (!config.options().synCookies() || lastCookieSent == Long.MIN_VALUE || now - lastCookieSent > 200_000_000_000L
                || connections.size() >= config.maxConnections()) {
            return false;
        }
        int bits = ack.hasTimestamps() && (ack.tsEcr() & SynCookies.OPTIONS_PRESENT) != 0 ? ack.tsEcr() & SynCookies.OPTION_MASK : 0;
        SynCookies.Decoded d = cookies.check(key, ipv4.source().bits(), ack.seq() - 1, ack.ack() - 1, bits, now);
        if (d == null) {
            return false;
        }
        cookiesAccepted++;
        TcpConnection c = newConnection(key, l, ack.ack() - 1, now);
        connections.put(key, c);
        l.halfOpen++;
        c.acceptCookie(ack.seq() - 1, Math.min(d.mss(), ourMss()), d.windowScale(), d.sackPermitted(), d.timestamps(), ack.tsVal(), now);
        c.input(ack, now);
        return true;
    }

    @Override
    public void poll(long now) {
        List<TcpConnection> due = new ArrayList<>();
        for (TcpConnection c : connections.values()) {
            if (c.nextDeadline() <= now) {
                due.add(c);
            }
        }
        for (TcpConnection c : due) {
            c.poll(now);
        }
    }

    @Override
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (TcpConnection c : connections.values()) {
            next = Math.min(next, c.nextDeadline());
        }
        return next;
    }

    /** Connections held in any state, TIME_WAIT included. */
    public int connectionCount() {
        return connections.size();
    }

    void stateChanged(TcpConnection c, TcpState before, TcpState after, long now) {
        if (before == TcpState.SYN_RECEIVED && c.listener != null) {
            c.listener.halfOpen--;
        }
        if (before == TcpState.TIME_WAIT) {
            timeWaits--;
        }
        if (after == TcpState.TIME_WAIT) {
            timeWaits++;
        }
        if (after == TcpState.CLOSED) {
            connections.remove(c.key, c);
        }
        if (before == TcpState.SYN_RECEIVED && after != TcpState.CLOSED && c.listener != null) {
            if (c.listener.closed) {
                c.abort(now);
            } else {
                c.listener.onAccept.accept(c);
            }
        }
    }

    boolean timeWaitAllowed() {
        return timeWaits < config.maxTimeWait();
    }

    /** Sends a segment of {@code c}'s with {@code len} bytes of {@code data} from {@code off} (a ring buffer). */
    void send(TcpConnection c, int seq, int ack, int flags, int window, TcpSegment.Options options, byte[] data, int off, int len,
            long now) {
        sendSegment(c.key, seq, ack, flags, window, options, data, off, len, now);
    }

    private void sendSegment(Key k, int seq, int ack, int flags, int window, TcpSegment.Options options, byte[] data, int off,
            int len, long now) {
        int header = TcpSegment.headerLength(options);
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + header + len];
        if (len > 0) {
            int first = Math.min(len, data.length - off);
            System.arraycopy(data, off, frame, Ipv4.PAYLOAD_OFFSET + header, first);
            System.arraycopy(data, 0, frame, Ipv4.PAYLOAD_OFFSET + header + first, len - first);
        }
        Ipv4Address to = new Ipv4Address(k.remoteIp());
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, k.localPort(), k.remotePort(), seq, ack, flags, window, options, len,
                ipv4.source(), to);
        segmentsSent++;
        boolean routed = ipv4.send(to, Ipv4Packet.PROTOCOL_TCP, frame, now);
        if (TcpConnection.DEBUG) {
            System.err.printf("%10.3f %s OUT seq=%d len=%d fl=%d routed=%s arp=%s%n", now / 1e9, k, seq, len, flags, routed,
                    ipv4.stats());
        }
    }

    /** Sends a RST for a segment no connection takes (RFC 9293 section 3.10.7.1). */
    void sendReset(Key k, int seq, int ack, boolean withAck, long now) {
        byte[] frame = new byte[Ipv4.PAYLOAD_OFFSET + TcpSegment.HEADER_LENGTH];
        Ipv4Address to = new Ipv4Address(k.remoteIp());
        TcpSegment.writeHeader(frame, Ipv4.PAYLOAD_OFFSET, k.localPort(), k.remotePort(), seq, ack,
                TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, 0, 0, ipv4.source(), to);
        resetsSent++;
        ipv4.send(to, Ipv4Packet.PROTOCOL_TCP, frame, now);
    }

    /** A challenge ACK (RFC 5961), within the global rate limit. */
    void challengeAck(TcpConnection c, long now) {
        if (now - challengeWindowStart >= 1_000_000_000L || challengeWindowStart == Long.MIN_VALUE) {
            challengeWindowStart = now;
            challengesInWindow = 0;
        }
        if (challengesInWindow++ < CHALLENGE_ACKS_PER_SECOND) {
            challengeAcks++;
            c.sendAck(now);
        }
    }

    /** Bytes of ended connections' rings kept for new connections (bounded; diagnostics and tests). */
    public long pooledRingBytes() {
        return rings.pooledBytes();
    }

    public TcpStats stats() {
        return new TcpStats(received, malformed, segmentsSent, resetsSent, synsDropped, challengeAcks, connections.size(), cookiesSent,
                cookiesAccepted, fastRecoveries, sackRecoveries, timeouts);
    }

    /** A connection started loss recovery: by SACK (RFC 6675) or NewReno (RFC 6582). */
    void recoveryStarted(boolean sack) {
        if (sack) {
            sackRecoveries++;
        } else {
            fastRecoveries++;
        }
    }

    /** A connection's retransmission timer fired. */
    void retransmissionTimedOut() {
        timeouts++;
    }

    /**
     * Counters of the TCP layer.
     *
     * @param cookiesSent SYN-ACKs carrying a SYN cookie (the backlog was full)
     * @param cookiesAccepted connections opened by a valid cookie
     * @param fastRecoveries NewReno fast retransmits (peers without SACK)
     * @param sackRecoveries RFC 6675 loss recoveries
     * @param timeouts retransmission timeouts, handshakes included
     */
    public record TcpStats(long received, long malformed, long sent, long resetsSent, long synsDropped, long challengeAcks,
            long connections, long cookiesSent, long cookiesAccepted, long fastRecoveries, long sackRecoveries, long timeouts) {}
}
