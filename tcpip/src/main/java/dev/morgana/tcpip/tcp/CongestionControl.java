package dev.morgana.tcpip.tcp;

/**
 * A sender's congestion window (RFC 5681). The connection detects the events (new ACKs, three
 * duplicate ACKs or SACK-detected loss, partial ACKs during recovery, timeouts) and tells the
 * algorithm; the algorithm only sizes the window. Times are monotonic nanoseconds.
 * Implementations: {@link NewReno} and {@link Cubic}, chosen by {@link TcpConfig.Congestion}.
 */
public interface CongestionControl {

    /** The congestion window in bytes. */
    int window();

    /** The slow-start threshold in bytes. */
    int ssthresh();

    /**
     * New data was acknowledged outside loss recovery.
     *
     * @param srtt the smoothed round-trip time in nanoseconds, or -1 before the first sample
     */
    void onAck(int ackedBytes, long now, long srtt);

    /** Three duplicate ACKs without SACK: NewReno recovery (RFC 6582) starts, window inflated. */
    void onFastRetransmit(int flight, long now);

    /** Loss detected with SACK: RFC 6675 recovery starts, the window becomes the new threshold. */
    void onSackRecovery(int flight, long now);

    /** A further duplicate ACK during NewReno recovery: one more segment left the network. */
    void onDuplicateAckInRecovery();

    /** An ACK during NewReno recovery that acknowledged {@code ackedBytes} but not everything outstanding. */
    void onPartialAck(int ackedBytes);

    /** Recovery ends: everything outstanding when it began is acknowledged. */
    void onRecoveryEnd(int flight, long now);

    /** The retransmission timer fired with {@code flight} bytes outstanding. */
    void onTimeout(int flight, long now);
}
