// The tutorial's "customising your stack" example: no ready-made StackV4, but a Network that
// the application builds Ethernet, ARP, IPv4, ICMP and UDP over by hand (dev.morgana.tcpip.direct.UdpLogger).
// It logs every UDP datagram it receives and answers ping. Needs root and a TAP interface:
//   make tap && make configure APP=udp-logger && make build APP=udp-logger && make run APP=udp-logger
import static dev.morgana.appliance.config.Dsl.*;

import dev.morgana.appliance.config.Key;
import dev.morgana.types.Ipv4Address;

Key<String> tapName = Key.of("TAP", "the TAP interface to attach to", "tap0", name -> name);
Key<String> pcap = Key.of("PCAP", "a file to record every frame in (pcap), or empty", "", path -> path);
Key<String> ip = Key.of("IP", "the appliance's address", "10.0.0.2", text -> Ipv4Address.parse(text).toString());
Key<String> netmask = Key.of("NETMASK", "the subnet mask", "255.255.255.0", text -> Ipv4Address.parse(text).toString());
Key<String> gateway = Key.of("GATEWAY", "the default gateway", "10.0.0.1", text -> Ipv4Address.parse(text).toString());

void main() {
    var logger = foreign("dev.morgana.tcpip.direct.UdpLogger", fn(NETWORK, CLOCK, CONSOLE, IPV4_CONFIG, JOB), "tcpip");
    register("udp-logger", apply(logger, tap(tapName.get(), pcap.get()), systemClock(), defaultConsole(),
            ipv4Config(ip.get(), netmask.get(), gateway.get())));
}
