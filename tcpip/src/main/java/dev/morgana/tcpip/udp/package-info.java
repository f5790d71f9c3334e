/**
 * UDP (RFC 768) as a sans-IO engine over {@link dev.morgana.tcpip.ipv4.Ipv4}.
 */
package dev.morgana.tcpip.udp;
