/**
 * The Ethernet layer of the from-scratch stack: demultiplexing by EtherType, and the
 * {@link dev.morgana.tcpip.ethif.FrameSink} through which every sans-IO engine emits frames.
 */
package dev.morgana.tcpip.ethif;
