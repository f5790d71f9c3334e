// The static website appliance (the tutorial's static_website example).
// Evaluated by `make configure`; change keys on its command line: make configure FS=crunch NET=socket PORT=8080
import static dev.morgana.appliance.config.Dsl.*;

import dev.morgana.appliance.config.Expr;
import dev.morgana.appliance.config.Impl;
import dev.morgana.appliance.config.Key;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Network;
import dev.morgana.types.StackV4;
import dev.morgana.types.kv.KvRo;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import java.util.List;
import java.util.Set;

Key<String> target = Key.choice("TARGET", "what the appliance is packaged as", "unix", "unix", "docker", "xen");
Key<String> fs = Key.choice("FS", "how the site's files are stored", "crunch", "crunch", "fat");
Key<String> net = Key.choice("NET", "which TCP/IP stack serves it", "socket", "socket", "direct");
Key<Boolean> dhcp = Key.bool("DHCP", "NET=direct: take the address from DHCP instead of IP/NETMASK/GATEWAY", false);
Key<String> tapName = Key.of("TAP", "NET=direct: the TAP interface to attach to", "tap0", name -> name);
Key<String> pcap = Key.of("PCAP", "NET=direct: a file to record every frame in (pcap), or empty", "", path -> path);
Key<Integer> port = Key.integer("PORT", "the HTTP port", 8080, 1, 65535);
Key<String> https = Key.choice("TLS", "also serve HTTPS", "off", "off", "on");
Key<Integer> tlsPort = Key.integer("TLS_PORT", "the HTTPS port", 8443, 1, 65535);
Key<String> tlsCert = Key.of("TLS_CERT", "PEM certificate chain (empty: a development certificate)", "", text -> text);
Key<String> tlsKey = Key.of("TLS_KEY", "PEM private key matching TLS_CERT", "", text -> text);
Key<String> htdocs = Key.of("HTDOCS", "the site directory, relative to the project root",
        "htdocs-example/target/htdocs", text -> text);

/** An IPv4 address key; its default depends on the target, so it is made once the target is known. */
Key<String> address(String name, String doc, String defaultValue) {
    return Key.of(name, doc, defaultValue, text -> Ipv4Address.parse(text).toString());
}

/** In the VM, NET=direct drives the NIC eth0 through a packet socket; the init brings it up with no kernel address. */
Impl<Network> vmNic() {
    return new Impl.Device<>(NETWORK, "net", new Expr.Static("dev.morgana.tcpip.netif.PacketSocketNetwork", "open",
            List.of(Expr.string("eth0"))), Set.of("tcpip"), List.of());
}

/** In the VM, the address comes from the init (system properties morgana.IP...): boot keys override these defaults. */
Impl<Ipv4Config> vmIpv4Config(String ip, String netmask, String gateway) {
    return new Impl.Device<>(IPV4_CONFIG, "ipv4", new Expr.Static("dev.morgana.tcpip.ipv4.Ipv4Config", "parse",
            List.of(bootKey("IP", ip), bootKey("NETMASK", netmask), bootKey("GATEWAY", gateway))), Set.of("tcpip"), List.of());
}

Expr bootKey(String name, String defaultValue) {
    return new Expr.Static("java.lang.System", "getProperty", List.of(Expr.string("morgana." + name), Expr.string(defaultValue)));
}

void main() {
    // The static address: the tutorial's 10.0.0.2 behind tap0's 10.0.0.1, or in a VM the
    // address QEMU's user networking expects (boot keys on the kernel command line override it).
    boolean vm = target.get().equals("xen");
    var ip = address("IP", "the appliance's address (NET=direct, or in the VM)", vm ? "10.0.2.15" : "10.0.0.2");
    var netmask = address("NETMASK", "its subnet mask", "255.255.255.0");
    var gateway = address("GATEWAY", "its default gateway", vm ? "10.0.2.2" : "10.0.0.1");
    var console = defaultConsole();

    Impl<KvRo> store = switch (fs.get()) {
        case "fat" -> kvRoOfFat(fatImage(htdocs.get()));
        default -> crunch(htdocs.get());
    };
    // Read every key up front, so all are known to configure whatever the branch taken.
    boolean useDhcp = dhcp.get();
    var ipv4 = vm ? vmIpv4Config(ip.get(), netmask.get(), gateway.get()) : ipv4Config(ip.get(), netmask.get(), gateway.get());
    var network = vm ? vmNic() : tap(tapName.get(), pcap.get());
    Impl<StackV4> stack = switch (net.get()) {
        case "direct" -> useDhcp ? directStackV4WithDhcp(console, network, 30) : directStackV4(console, network, ipv4);
        default -> socketStackV4(console);
    };
    var site = foreign("dev.morgana.site.StaticSite", fn(CONSOLE, KV_RO, HTTP, JOB), "site");
    var overHttp = apply(site, console, store, httpServer(console, port.get(), stack));

    int httpsPort = tlsPort.get();
    String cert = tlsCert.get();
    String key = tlsKey.get();
    if (https.get().equals("on")) {
        var overHttps = apply(site, console, store, httpServerOn(console, httpsPort, tls(stack, cert, key)));
        register("www", overHttp, overHttps);
    } else {
        register("www", overHttp);
    }
}
