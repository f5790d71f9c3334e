package dev.morgana.tcpip.tcp;

import java.time.Duration;

/**
 * Tunables of the TCP engine, every one a bound.
 *
 * @param sendBuffer bytes a connection queues for sending (unacknowledged included)
 * @param receiveBuffer bytes a connection holds received but unread, up to 1 GiB; beyond 65535
 *     only usable when the peer agrees to window scaling
 * @param minRto floor of the retransmission timeout (RFC 6298 says 1 s; 200 ms like Linux)
 * @param maxRto ceiling of the backed-off retransmission timeout
 * @param maxRetries retransmissions of one segment (or unanswered window probes) before the
 *     connection fails with "timed out"
 * @param maxSynRetries retransmissions of a SYN or SYN-ACK before giving up
 * @param delayedAck longest delay of an ACK (RFC 1122 says at most 500 ms)
 * @param timeWait how long a closed connection stays in TIME_WAIT (2 MSL)
 * @param finWait2Timeout how long a connection the application closed waits for the peer's FIN
 * @param backlog half-open (SYN_RECEIVED) connections per listener; further SYNs get SYN cookies
 *     (or are dropped without them)
 * @param maxConnections connections of every state together; beyond it SYNs are dropped and
 *     connects fail
 * @param maxTimeWait connections kept in TIME_WAIT; beyond it a closing connection is released at once
 * @param nagle whether new connections start with Nagle's algorithm (RFC 896) on
 * @param options which TCP extensions we offer and accept
 * @param keepAlive the keepalive timer of new connections
 * @param congestion the congestion control of new connections
 */
public record TcpConfig(int sendBuffer, int receiveBuffer, Duration minRto, Duration maxRto, int maxRetries, int maxSynRetries,
        Duration delayedAck, Duration timeWait, Duration finWait2Timeout, int backlog, int maxConnections, int maxTimeWait,
        boolean nagle, Extensions options, KeepAlive keepAlive, Congestion congestion) {

    /** Largest receive buffer: a window scale of 14 covers 2^30 bytes (RFC 7323 section 2.3). */
    public static final int MAX_RECEIVE_BUFFER = 1 << 30;

    /**
     * Defaults close to Linux's; Nagle off, like the socket stack's TCP_NODELAY. The 256 KiB
     * receive buffer keeps 6 MB/s flowing at 40 ms of round trip (13 MB/s at 20 ms), and is
     * only allocated once data arrives.
     */
    public static final TcpConfig DEFAULT = new TcpConfig(256 * 1024, 256 * 1024, Duration.ofMillis(200), Duration.ofSeconds(60), 8,
            5, Duration.ofMillis(40), Duration.ofSeconds(60), Duration.ofSeconds(60), 128, 16384, 4096, false, Extensions.ALL,
            KeepAlive.OFF, Congestion.CUBIC);

    /**
     * The TCP extensions offered on our SYNs and accepted on the peer's.
     *
     * @param windowScaling RFC 7323 window scaling
     * @param timestamps RFC 7323 timestamps, with PAWS and RTT measurement
     * @param sack RFC 2018 selective acknowledgments and RFC 6675 recovery
     * @param synCookies answer SYNs with cookies when a listener's backlog is full
     */
    public record Extensions(boolean windowScaling, boolean timestamps, boolean sack, boolean synCookies) {
        public static final Extensions ALL = new Extensions(true, true, true, true);
        public static final Extensions NONE = new Extensions(false, false, false, false);
    }

    /**
     * Keepalive (RFC 1122 section 4.2.3.6, RFC 9293 section 3.8.4): after {@code idle} without
     * a segment from the peer, probe every {@code interval}; after {@code count} unanswered
     * probes the connection fails with "timed out".
     */
    public record KeepAlive(boolean on, Duration idle, Duration interval, int count) {
        /** Off, with Linux's values (2 hours, 75 s, 9 probes) for connections that turn it on. */
        public static final KeepAlive OFF = new KeepAlive(false, Duration.ofHours(2), Duration.ofSeconds(75), 9);

        public KeepAlive {
            if (idle.isNegative() || idle.isZero() || interval.isNegative() || interval.isZero() || count < 1) {
                throw new IllegalArgumentException("keepalive: idle and interval must be positive, count at least 1");
            }
        }
    }

    /**
     * Congestion control algorithms. CUBIC is the default: it is what Linux peers run (so flows
     * share a bottleneck fairly with theirs), and on long fat paths, which window scaling now
     * opens, its window regrows in seconds where NewReno needs one round trip per segment.
     */
    public enum Congestion {
        NEW_RENO, CUBIC;

        CongestionControl create(int mss) {
            return this == CUBIC ? new Cubic(mss) : new NewReno(mss);
        }
    }

    public TcpConfig {
        if (sendBuffer < 1 || receiveBuffer < 1 || receiveBuffer > MAX_RECEIVE_BUFFER) {
            throw new IllegalArgumentException("TCP buffers: send " + sendBuffer + ", receive " + receiveBuffer + " (1.." + MAX_RECEIVE_BUFFER + ")");
        }
        if (maxRetries < 1 || maxSynRetries < 1 || backlog < 1 || maxConnections < 1 || maxTimeWait < 0) {
            throw new IllegalArgumentException("TCP bounds must be positive");
        }
        if (options == null || keepAlive == null || congestion == null) {
            throw new IllegalArgumentException("TCP options, keepalive and congestion control must be given");
        }
    }

    /** A configuration with the default extensions, keepalive and congestion control. */
    public TcpConfig(int sendBuffer, int receiveBuffer, Duration minRto, Duration maxRto, int maxRetries, int maxSynRetries,
            Duration delayedAck, Duration timeWait, Duration finWait2Timeout, int backlog, int maxConnections, int maxTimeWait,
            boolean nagle) {
        this(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait, finWait2Timeout, backlog,
                maxConnections, maxTimeWait, nagle, DEFAULT.options, DEFAULT.keepAlive, DEFAULT.congestion);
    }

    /** This configuration with another TIME_WAIT duration. */
    public TcpConfig withTimeWait(Duration d) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, d, finWait2Timeout,
                backlog, maxConnections, maxTimeWait, nagle, options, keepAlive, congestion);
    }

    /** This configuration with other buffer sizes. */
    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(send, receive, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait, finWait2Timeout,
                backlog, maxConnections, maxTimeWait, nagle, options, keepAlive, congestion);
    }

    /** This configuration with other extensions. */
    public TcpConfig withOptions(Extensions o) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait,
                finWait2Timeout, backlog, maxConnections, maxTimeWait, nagle, o, keepAlive, congestion);
    }

    /** This configuration with another keepalive. */
    public TcpConfig withKeepAlive(KeepAlive k) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait,
                finWait2Timeout, backlog, maxConnections, maxTimeWait, nagle, options, k, congestion);
    }

    /** This configuration with another congestion control. */
    public TcpConfig withCongestion(Congestion c) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait,
                finWait2Timeout, backlog, maxConnections, maxTimeWait, nagle, options, keepAlive, c);
    }

    /** This configuration with another backlog. */
    public TcpConfig withBacklog(int b) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait,
                finWait2Timeout, b, maxConnections, maxTimeWait, nagle, options, keepAlive, congestion);
    }
}
