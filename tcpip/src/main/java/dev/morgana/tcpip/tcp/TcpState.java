package dev.morgana.tcpip.tcp;

/** Connection states of RFC 9293 (LISTEN is a {@link Tcp} listener, not a connection). */
public enum TcpState {
    SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED;

    /** True once both sides' SYNs were acknowledged. */
    boolean synchronized_() {
        return this != SYN_SENT && this != SYN_RECEIVED && this != CLOSED;
    }
}
