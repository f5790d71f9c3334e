/**
 * A DHCP client (RFC 2131/2132) as a sans-IO state machine: messages and time in, events out.
 */
package dev.morgana.tcpip.dhcp;
