/**
 * Implementations of {@link dev.morgana.types.Network}: a TAP device and an AF_PACKET socket on a
 * NIC through FFM, an in-memory switch with seeded impairments under a virtual clock, and a pcap
 * recorder that wraps any of them.
 */
package dev.morgana.tcpip.netif;
