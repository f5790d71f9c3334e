/**
 * ARP (RFC 826) as a sans-IO engine: cache, resolution with bounded retries and queues.
 */
package dev.morgana.tcpip.arp;
