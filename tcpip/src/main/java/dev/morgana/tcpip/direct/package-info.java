/**
 * The from-scratch stack assembled: {@link dev.morgana.tcpip.direct.StackEngine} (sans-IO),
 * {@link dev.morgana.tcpip.direct.DirectStackV4} (an event-loop thread over a Network, behind
 * StackV4), {@link dev.morgana.tcpip.direct.Simulation} (single-threaded, virtual time), and the
 * hand-assembled {@link dev.morgana.tcpip.direct.UdpLogger} example.
 */
package dev.morgana.tcpip.direct;
