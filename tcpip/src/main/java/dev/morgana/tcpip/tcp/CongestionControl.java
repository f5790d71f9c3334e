package dev.morgana.tcpip.tcp;

/**
 * A sender's congestion window (RFC 5681). The connection detects the events (new ACKs, three
 * duplicate ACKs, partial ACKs during recovery, timeouts) and tells the algorithm; the algorithm
 * only sizes the window. {@link NewReno} is the default; CUBIC (RFC 9438) would be another.
 */
public interface CongestionControl {

    /** The congestion window in bytes. */
    int window();

    /** New data was acknowledged outside loss recovery. */
    void onAck(int ackedBytes);

    /** Three duplicate ACKs: loss recovery starts with {@code flight} bytes outstanding. */
    void onFastRetransmit(int flight);

    /** A further duplicate ACK during recovery: one more segment left the network. */
    void onDuplicateAckInRecovery();

    /** An ACK during recovery that acknowledged {@code ackedBytes} but not everything outstanding. */
    void onPartialAck(int ackedBytes);

    /** Recovery ends: everything outstanding when it began is acknowledged. */
    void onRecoveryEnd(int flight);

    /** The retransmission timer fired with {@code flight} bytes outstanding. */
    void onTimeout(int flight);
}
