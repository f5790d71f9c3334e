package dev.morgana.types;

/**
 * An IPv4 network stack with TCP and UDP: the kernel's sockets, or the from-scratch stack over a
 * {@link Network}. Application code sees only this interface, so the choice is configuration.
 */
public interface StackV4 extends Device {

    /** The stack's TCP. */
    Tcpv4 tcpv4();

    /** The stack's UDP. */
    Udpv4 udpv4();

    /** The addresses the stack answers on (the configured or leased IP; 0.0.0.0 for "any"). */
    java.util.List<Ipv4Address> addresses();
}
