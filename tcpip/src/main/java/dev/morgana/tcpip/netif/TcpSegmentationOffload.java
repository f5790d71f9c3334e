package dev.morgana.tcpip.netif;

/**
 * A network device that cuts large TCP/IPv4 packets into MTU-sized segments itself (TCP
 * segmentation offload), so the stack may send it fewer, larger ones.
 */
public interface TcpSegmentationOffload {

    /** The largest TCP/IPv4 packet (IP header included) the device takes whole, or 0 for none. */
    int maxTcpPacket();
}
