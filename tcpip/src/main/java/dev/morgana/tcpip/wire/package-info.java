/**
 * Packet views and emitters, one class per protocol: parsing is bounds-checked and throws
 * {@link dev.morgana.tcpip.wire.MalformedPacketException} (never anything else) for bad input;
 * emitters write into caller-provided arrays. Plus the Internet checksum. No protocol logic here.
 */
package dev.morgana.tcpip.wire;
