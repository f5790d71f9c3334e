/**
 * ICMPv4 (RFC 792) as a sans-IO engine: echo, and rate-limited destination-unreachable errors.
 */
package dev.morgana.tcpip.icmp;
