/**
 * IPv4 (RFC 791/1122) as a sans-IO engine: validation, routing, fragmentation and bounded
 * reassembly. Transports (ICMP, UDP, later TCP) plug in as {@link dev.morgana.tcpip.ipv4.Ipv4.Transport}.
 */
package dev.morgana.tcpip.ipv4;
