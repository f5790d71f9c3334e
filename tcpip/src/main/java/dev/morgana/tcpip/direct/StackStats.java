package dev.morgana.tcpip.direct;

import dev.morgana.tcpip.arp.Arp.ArpStats;
import dev.morgana.tcpip.dhcp.DhcpClient.DhcpStats;
import dev.morgana.tcpip.ethif.Ethif.EthifStats;
import dev.morgana.tcpip.icmp.Icmp.IcmpStats;
import dev.morgana.tcpip.ipv4.Ipv4.Ipv4Stats;
import dev.morgana.tcpip.tcp.Tcp.TcpStats;
import dev.morgana.tcpip.udp.Udp.UdpStats;
import dev.morgana.types.Console;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the direct stack's counters, per layer: what was received, sent, and dropped
 * for which reason. Printable on a {@link Console}, one line per layer.
 *
 * @param sendErrors frames the network refused to send, or dropped because too many were queued
 * @param internalErrors received frames that hit a bug in the stack (dropped; should stay 0)
 */
public record StackStats(EthifStats ethernet, ArpStats arp, Ipv4Stats ipv4, IcmpStats icmp, UdpStats udp, TcpStats tcp,
        Optional<DhcpStats> dhcp, long sendErrors, long internalErrors) {

    /** Frames or packets dropped as malformed, over all layers. */
    public long malformed() {
        return ethernet.malformed() + arp.malformed() + ipv4.malformed() + icmp.malformed() + udp.malformed() + tcp.malformed()
                + dhcp.map(DhcpStats::malformed).orElse(0L);
    }

    /** One line per layer, such as {@code ipv4: EthifStats[received=3, ...]}. */
    public List<String> lines() {
        var lines = new java.util.ArrayList<String>(List.of("ethernet: " + ethernet, "arp: " + arp, "ipv4: " + ipv4,
                "icmp: " + icmp, "udp: " + udp, "tcp: " + tcp));
        dhcp.ifPresent(d -> lines.add("dhcp: " + d));
        lines.add("send errors: " + sendErrors + ", internal errors: " + internalErrors);
        return lines;
    }

    /** Logs {@link #lines()} on {@code console}. */
    public void printTo(Console console) {
        lines().forEach(console::log);
    }
}
