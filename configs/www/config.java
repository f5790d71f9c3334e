// The static website appliance (the tutorial's static_website example).
// Evaluated by `make configure`; change keys on its command line: make configure FS=crunch NET=socket PORT=8080
import static dev.morgana.appliance.config.Dsl.*;

import dev.morgana.appliance.config.ConfigException;
import dev.morgana.appliance.config.HttpKeys;
import dev.morgana.appliance.config.Impl;
import dev.morgana.appliance.config.Key;
import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Job;
import dev.morgana.types.StackV4;
import dev.morgana.types.http.HttpServer;
import dev.morgana.types.kv.KvRo;
import java.util.LinkedHashMap;
import java.util.Map;

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
Key<String> httpsRedirect = Key.choice("HTTPS_REDIRECT",
        "TLS=on: answer every plain-HTTP request with a 301 to the same path on https", "off", "off", "on");
Key<Integer> hsts = Key.of("HSTS", "TLS=on: Strict-Transport-Security max-age in seconds sent over HTTPS, or off",
        "31536000", text -> {
            if (text.equals("off")) {
                return -1;
            }
            try {
                int seconds = Integer.parseInt(text);
                if (seconds >= 0) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("accepted values are off, or seconds from 0 to " + Integer.MAX_VALUE);
        });
Key<String> kernel = Key.choice("KERNEL",
        "TARGET=xen: the VM's kernel, cloud (Debian's) or small (Morgana's, built from source once); empty: MORGANA_KERNEL, else cloud",
        "", "", "cloud", "small");
Key<String> jvm = Key.choice("JVM",
        "the JVM the runtime is linked from: jdk (the build's), small (Morgana's: C1 and the serial collector only, built from source once) or small-c2 (C2 kept); empty: MORGANA_JVM, else jdk",
        "", "", "jdk", "small", "small-c2");
Key<String> htdocs = Key.of("HTDOCS", "the site directory, relative to the project root",
        "htdocs-example/target/htdocs", text -> text);

/** An IPv4 address key; its default depends on the target, so it is made once the target is known. */
Key<String> address(String name, String doc, String defaultValue) {
    return Key.of(name, doc, defaultValue, text -> Ipv4Address.parse(text).toString());
}

void main() {
    // The static address: the tutorial's 10.0.0.2 behind tap0's 10.0.0.1, or in a VM the
    // address QEMU's user networking expects (boot keys on the kernel command line override it).
    boolean vm = target.get().equals("xen");
    if (vm) {
        kernel.get(); // read so configure records it: the VM packager takes the kernel from the keys
    }
    jvm.get(); // read so configure records it: the builder links the runtime from the JVM it names
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
    // In the VM, NET=direct drives the NIC eth0 through a packet socket, and boot keys may change the address.
    var ipv4 = vm ? ipv4ConfigFromBootKeys(ip.get(), netmask.get(), gateway.get()) : ipv4Config(ip.get(), netmask.get(), gateway.get());
    var network = vm ? packetSocket("eth0") : tap(tapName.get(), pcap.get());
    Impl<StackV4> stack = switch (net.get()) {
        case "direct" -> useDhcp ? directStackV4WithDhcp(console, network, 30) : directStackV4(console, network, ipv4);
        default -> socketStackV4(console);
    };
    Map<String, String> serverOptions = HttpKeys.serverOptions();
    Map<String, String> siteOptions = HttpKeys.siteOptions();
    var plainServer = httpServerOn(console, port.get(), tcpv4(stack), serverOptions);
    var overHttp = site(console, store, plainServer, siteOptions);

    int httpsPort = tlsPort.get();
    String cert = tlsCert.get();
    String key = tlsKey.get();
    boolean redirect = httpsRedirect.get().equals("on");
    int hstsSeconds = hsts.get();
    if (https.get().equals("on")) {
        var httpsServer = httpServerOn(console, httpsPort, tls(stack, cert, key), serverOptions);
        // HSTS only over HTTPS (RFC 6797 §7.2): the plain site never sends it.
        var httpsSiteOptions = new LinkedHashMap<>(siteOptions);
        if (hstsSeconds >= 0) {
            httpsSiteOptions.put("hsts", "max-age=" + hstsSeconds);
        }
        var overHttps = site(console, store, httpsServer, httpsSiteOptions);
        var plain = redirect
                ? apply(foreign("dev.morgana.site.HttpsRedirectSite", fn(CONSOLE, HTTP, INT, JOB), "site"),
                        console, plainServer, value(httpsPort))
                : overHttp;
        register("www", plain, overHttps);
    } else if (redirect) {
        throw new ConfigException("HTTPS_REDIRECT=on needs TLS=on: there is no HTTPS server to redirect to");
    } else {
        register("www", overHttp);
    }
}

/** The static site on {@code server}; {@code options} (names of SiteOptions.KEYS) over its defaults. */
Impl<Job> site(Impl<Console> console, Impl<KvRo> store, Impl<HttpServer> server, Map<String, String> options) {
    if (options.isEmpty()) {
        return apply(foreign("dev.morgana.site.StaticSite", fn(CONSOLE, KV_RO, HTTP, JOB), "site"), console, store, server);
    }
    return apply(foreign("dev.morgana.site.StaticSite", fn(CONSOLE, KV_RO, HTTP, SITE_OPTIONS, JOB), "site"),
            console, store, server, siteOptions(options));
}
