package dev.morgana.tcpip.tcp;

import java.time.Duration;

/**
 * Tunables of the TCP engine, every one a bound.
 *
 * @param sendBuffer bytes a connection queues for sending (unacknowledged included)
 * @param receiveBuffer bytes a connection holds received but unread; at most 65535 since window
 *     scaling is not negotiated
 * @param minRto floor of the retransmission timeout (RFC 6298 says 1 s; 200 ms like Linux)
 * @param maxRto ceiling of the backed-off retransmission timeout
 * @param maxRetries retransmissions of one segment (or unanswered window probes) before the
 *     connection fails with "timed out"
 * @param maxSynRetries retransmissions of a SYN or SYN-ACK before giving up
 * @param delayedAck longest delay of an ACK (RFC 1122 says at most 500 ms)
 * @param timeWait how long a closed connection stays in TIME_WAIT (2 MSL)
 * @param finWait2Timeout how long a connection the application closed waits for the peer's FIN
 * @param backlog half-open (SYN_RECEIVED) connections per listener; further SYNs are dropped
 * @param maxConnections connections of every state together; beyond it SYNs are dropped and
 *     connects fail
 * @param maxTimeWait connections kept in TIME_WAIT; beyond it a closing connection is released at once
 * @param nagle whether new connections start with Nagle's algorithm (RFC 896) on
 */
public record TcpConfig(int sendBuffer, int receiveBuffer, Duration minRto, Duration maxRto, int maxRetries, int maxSynRetries,
        Duration delayedAck, Duration timeWait, Duration finWait2Timeout, int backlog, int maxConnections, int maxTimeWait,
        boolean nagle) {

    /** Defaults close to Linux's; Nagle off, like the socket stack's TCP_NODELAY. */
    public static final TcpConfig DEFAULT = new TcpConfig(256 * 1024, 65535, Duration.ofMillis(200), Duration.ofSeconds(60), 8, 5,
            Duration.ofMillis(40), Duration.ofSeconds(60), Duration.ofSeconds(60), 128, 16384, 4096, false);

    public TcpConfig {
        if (sendBuffer < 1 || receiveBuffer < 1 || receiveBuffer > 65535) {
            throw new IllegalArgumentException("TCP buffers: send " + sendBuffer + ", receive " + receiveBuffer + " (1..65535)");
        }
        if (maxRetries < 1 || maxSynRetries < 1 || backlog < 1 || maxConnections < 1 || maxTimeWait < 0) {
            throw new IllegalArgumentException("TCP bounds must be positive");
        }
    }

    /** This configuration with another TIME_WAIT duration. */
    public TcpConfig withTimeWait(Duration d) {
        return new TcpConfig(sendBuffer, receiveBuffer, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, d, finWait2Timeout,
                backlog, maxConnections, maxTimeWait, nagle);
    }

    /** This configuration with other buffer sizes. */
    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(send, receive, minRto, maxRto, maxRetries, maxSynRetries, delayedAck, timeWait, finWait2Timeout,
                backlog, maxConnections, maxTimeWait, nagle);
    }
}
