package dev.morgana.appliance.config;

import dev.morgana.site.SiteOptions;
import dev.morgana.types.Block;
import dev.morgana.tcpip.ipv4.Ipv4Config;
import dev.morgana.types.Clock;
import dev.morgana.types.Console;
import dev.morgana.types.Network;
import dev.morgana.types.Random;
import dev.morgana.types.Job;
import dev.morgana.types.StackV4;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.http.HttpServer;
import dev.morgana.types.kv.KvRo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration eDSL, after Mirage's {@code Mirage} module: module types, foreign
 * application modules, functor application, keys and the device catalogue. A config is a Java
 * source file that starts with {@code import static dev.morgana.appliance.config.Dsl.*;}.
 *
 * <p>Types make bad graphs impossible to write: {@code apply(site, console, stack, http)} where
 * the site expects a {@code kv_ro} second is a compile error of the config.
 */
public final class Dsl {

    private Dsl() {}

    // ---- module types ------------------------------------------------------------------

    public static final Typ<Console> CONSOLE = Typ.of("console", Console.class);
    public static final Typ<KvRo> KV_RO = Typ.of("kv_ro", KvRo.class);
    public static final Typ<Block> BLOCK = Typ.of("block", Block.class);
    public static final Typ<StackV4> STACKV4 = Typ.of("stackv4", StackV4.class);
    public static final Typ<Tcpv4> TCPV4 = Typ.of("tcpv4", Tcpv4.class);
    public static final Typ<HttpServer> HTTP = Typ.of("http", HttpServer.class);
    public static final Typ<Job> JOB = Typ.of("job", Job.class);
    public static final Typ<Network> NETWORK = Typ.of("network", Network.class);
    public static final Typ<Clock> CLOCK = Typ.of("clock", Clock.class);
    public static final Typ<Random> RANDOM = Typ.of("random", Random.class);
    public static final Typ<Ipv4Config> IPV4_CONFIG = Typ.of("ipv4_config", Ipv4Config.class);
    /** Plain int parameters of foreign modules (ports, sizes), passed as constants. */
    public static final Typ<Integer> INT = Typ.of("int", Integer.class);
    public static final Typ<SiteOptions> SITE_OPTIONS = Typ.of("site_options", SiteOptions.class);

    /** {@code a @-> r}. */
    public static <A, R> Typ<Fn<A, R>> fn(Typ<A> a, Typ<R> r) {
        return Typ.fn(a, r);
    }

    /** {@code a @-> b @-> r}. */
    public static <A, B, R> Typ<Fn<A, Fn<B, R>>> fn(Typ<A> a, Typ<B> b, Typ<R> r) {
        return Typ.fn(a, Typ.fn(b, r));
    }

    /** {@code a @-> b @-> c @-> r}. */
    public static <A, B, C, R> Typ<Fn<A, Fn<B, Fn<C, R>>>> fn(Typ<A> a, Typ<B> b, Typ<C> c, Typ<R> r) {
        return Typ.fn(a, Typ.fn(b, Typ.fn(c, r)));
    }

    /** {@code a @-> b @-> c @-> d @-> r}. */
    public static <A, B, C, D, R> Typ<Fn<A, Fn<B, Fn<C, Fn<D, R>>>>> fn(
            Typ<A> a, Typ<B> b, Typ<C> c, Typ<D> d, Typ<R> r) {
        return Typ.fn(a, Typ.fn(b, Typ.fn(c, Typ.fn(d, r))));
    }

    // ---- foreign modules and application -------------------------------------------------

    /**
     * Application code of type {@code typ}: {@code className} must have a public constructor
     * taking the functor's arguments in order. {@code modules} are the Maven modules it lives
     * in, linked into the appliance.
     */
    public static <T> Impl<T> foreign(String className, Typ<T> typ, String... modules) {
        if (!typ.isFunctor()) {
            throw new ConfigException("foreign " + className + " must have a functor type (... @-> job), not " + typ);
        }
        return new Impl.Foreign<>(typ, className, Set.of(modules));
    }

    /** {@code f $ a}. */
    public static <A, R> Impl<R> apply(Impl<Fn<A, R>> f, Impl<A> a) {
        return new Impl.Applied<>(f, a, resultTyp(f));
    }

    /** {@code f $ a $ b}. */
    public static <A, B, R> Impl<R> apply(Impl<Fn<A, Fn<B, R>>> f, Impl<A> a, Impl<B> b) {
        return apply(apply(f, a), b);
    }

    /** {@code f $ a $ b $ c}. */
    public static <A, B, C, R> Impl<R> apply(Impl<Fn<A, Fn<B, Fn<C, R>>>> f, Impl<A> a, Impl<B> b, Impl<C> c) {
        return apply(apply(f, a, b), c);
    }

    /** {@code f $ a $ b $ c $ d}. */
    public static <A, B, C, D, R> Impl<R> apply(
            Impl<Fn<A, Fn<B, Fn<C, Fn<D, R>>>>> f, Impl<A> a, Impl<B> b, Impl<C> c, Impl<D> d) {
        return apply(apply(f, a, b, c), d);
    }

    @SuppressWarnings("unchecked")
    private static <A, R> Typ<R> resultTyp(Impl<Fn<A, R>> f) {
        // Typ.fn stored the result; the phantom Fn type guarantees it is a Typ<R>.
        return (Typ<R>) f.typ().result();
    }

    /** Registers the appliance {@code name} running {@code jobs} (Mirage's {@code register}). */
    @SafeVarargs
    public static void register(String name, Impl<Job>... jobs) {
        ConfigContext.current().register(name, List.of(jobs));
    }

    // ---- keys ----------------------------------------------------------------------------

    /** The key's value in this evaluation. */
    public static <T> T get(Key<T> key) {
        return key.get();
    }

    // ---- the device catalogue -------------------------------------------------------------

    /** The process's standard output (Unix and Docker targets). */
    public static Impl<Console> defaultConsole() {
        return new Impl.Device<>(CONSOLE, "console", new Expr.New("dev.morgana.unix.StdoutConsole", List.of()),
                Set.of("unix"), List.of());
    }

    /**
     * The files under {@code htdocs} (relative to the project root), packed at build time into
     * a crunch store inside the appliance (Mirage's {@code crunch "./htdocs"}).
     */
    public static Impl<KvRo> crunch(String htdocs) {
        String resource = "morgana/" + Path.of(htdocs).getFileName() + ".crunch";
        return new Impl.Device<>(KV_RO, "store",
                new Expr.Static("dev.morgana.crunch.CrunchStore", "openResource", List.of(Expr.string("/" + resource))),
                Set.of("kv-ro-crunch"), List.of(new BuildStep.Crunch(Path.of(htdocs), resource)));
    }

    /**
     * The files under {@code htdocs} as a FAT image built at build time and shipped beside the
     * appliance as {@code data/NAME.img}, read as a block device (Mirage's {@code fat_of_files}).
     */
    public static Impl<Block> fatImage(String htdocs) {
        String file = "data/" + Path.of(htdocs).getFileName() + ".img";
        return new Impl.Device<>(BLOCK, "block",
                new Expr.Static("dev.morgana.fat.FileBlock", "open",
                        List.of(new Expr.Static("dev.morgana.unix.Home", "path", List.of(Expr.string(file))))),
                Set.of("kv-ro-fat", "unix"), List.of(new BuildStep.FatImage(Path.of(htdocs), file)));
    }

    /** A read-only store over the FAT file system on {@code block} (Mirage's {@code kv_ro_of_fs}). */
    public static Impl<KvRo> kvRoOfFat(Impl<Block> block) {
        return new Impl.Device<>(KV_RO, "store",
                new Expr.Static("dev.morgana.fat.FatKvRo", "mount", List.of(new Expr.Ref(block))),
                Set.of("kv-ro-fat"), List.of());
    }

    /**
     * The TAP interface {@code name} as an Ethernet device (Mirage's {@code tap0}); needs root or
     * CAP_NET_ADMIN. If {@code pcap} is not empty, every frame is also written to that pcap file
     * (readable by tshark and Wireshark).
     */
    public static Impl<Network> tap(String name, String pcap) {
        return new Impl.Device<>(NETWORK, "net",
                new Expr.Static("dev.morgana.tcpip.netif.PcapTap", "wrapIfRequested", List.of(
                        new Expr.Static("dev.morgana.tcpip.netif.TapNetwork", "open", List.of(Expr.string(name))),
                        Expr.string(pcap))),
                Set.of("tcpip"), List.of());
    }

    /**
     * A NIC driven through an AF_PACKET socket (in the VM: {@code eth0}, which the init brings up
     * without giving the kernel's IP stack an address).
     */
    public static Impl<Network> packetSocket(String interfaceName) {
        return new Impl.Device<>(NETWORK, "net", new Expr.Static("dev.morgana.tcpip.netif.PacketSocketNetwork", "open",
                List.of(Expr.string(interfaceName))), Set.of("tcpip"), List.of());
    }

    /** The system clock. */
    public static Impl<Clock> systemClock() {
        return new Impl.Device<>(CLOCK, "clock", new Expr.Static("dev.morgana.types.Clock", "system", List.of()),
                Set.of("types"), List.of());
    }

    /** Entropy from the JDK's SecureRandom (the kernel's getrandom). */
    public static Impl<Random> defaultRandom() {
        return new Impl.Device<>(RANDOM, "random", new Expr.New("dev.morgana.unix.SecureRandomDevice", List.of()),
                Set.of("unix"), List.of());
    }

    /**
     * The from-scratch stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP) over {@code network} with a
     * static address (Mirage's {@code direct_stackv4_with_default_ipv4}).
     */
    public static Impl<StackV4> directStackV4(Impl<Console> console, Impl<Network> network, Impl<Ipv4Config> ipv4) {
        return new Impl.Device<>(STACKV4, "stack",
                new Expr.Static("dev.morgana.tcpip.direct.DirectStackV4", "start", List.of(new Expr.Ref(network),
                        new Expr.Ref(ipv4), new Expr.Ref(systemClock()), new Expr.Ref(defaultRandom()), new Expr.Ref(console))),
                Set.of("tcpip"), List.of());
    }

    /**
     * The from-scratch stack with its address from DHCP (Mirage's {@code direct_stackv4_with_dhcp});
     * the appliance fails to start if no lease comes within {@code leaseSeconds}.
     */
    public static Impl<StackV4> directStackV4WithDhcp(Impl<Console> console, Impl<Network> network, int leaseSeconds) {
        return new Impl.Device<>(STACKV4, "stack",
                new Expr.Static("dev.morgana.tcpip.direct.DirectStackV4", "startDhcp", List.of(new Expr.Ref(network),
                        new Expr.Ref(systemClock()), new Expr.Ref(defaultRandom()), new Expr.Ref(console),
                        new Expr.Static("java.time.Duration", "ofSeconds", List.of(Expr.integer(leaseSeconds))))),
                Set.of("tcpip"), List.of());
    }

    /**
     * As {@link #ipv4Config}, but each value may be overridden when the appliance starts by the
     * system property {@code morgana.IP}, {@code morgana.NETMASK} or {@code morgana.GATEWAY}: the
     * VM's init sets them from the boot keys on the kernel command line.
     */
    public static Impl<Ipv4Config> ipv4ConfigFromBootKeys(String ip, String netmask, String gateway) {
        return new Impl.Device<>(IPV4_CONFIG, "ipv4", new Expr.Static("dev.morgana.tcpip.ipv4.Ipv4Config", "parse",
                List.of(bootKey("IP", ip), bootKey("NETMASK", netmask), bootKey("GATEWAY", gateway))),
                Set.of("tcpip"), List.of());
    }

    private static Expr bootKey(String name, String defaultValue) {
        return new Expr.Static("java.lang.System", "getProperty",
                List.of(Expr.string("morgana." + name), Expr.string(defaultValue)));
    }

    /** A static IPv4 address, netmask and gateway, checked when the appliance starts. */
    public static Impl<Ipv4Config> ipv4Config(String ip, String netmask, String gateway) {
        return new Impl.Device<>(IPV4_CONFIG, "ipv4",
                new Expr.Static("dev.morgana.tcpip.ipv4.Ipv4Config", "parse",
                        List.of(Expr.string(ip), Expr.string(netmask), Expr.string(gateway))),
                Set.of("tcpip"), List.of());
    }

    /** The kernel's TCP/IP stack, listening on every local address (Mirage's {@code socket_stackv4}). */
    public static Impl<StackV4> socketStackV4(Impl<Console> console) {
        return new Impl.Device<>(STACKV4, "stack",
                new Expr.New("dev.morgana.tcpip.socket.SocketStackV4", List.of(new Expr.Ref(console),
                        new Expr.Static("dev.morgana.types.Ipv4Address", "parse", List.of(Expr.string("0.0.0.0"))))),
                Set.of("tcpip"), List.of());
    }

    /** The TCP of a stack. */
    public static Impl<Tcpv4> tcpv4(Impl<StackV4> stack) {
        return new Impl.Device<>(TCPV4, "tcp", new Expr.Call(stack, "tcpv4", List.of()), Set.of(), List.of());
    }

    /** An HTTP/1.1 server on {@code port} of {@code stack}'s TCP (Mirage's {@code http_server}). */
    public static Impl<HttpServer> httpServer(Impl<Console> console, int port, Impl<StackV4> stack) {
        return httpServerOn(console, port, tcpv4(stack));
    }

    /** An HTTP/1.1 server on {@code port} of any TCP: a stack's, or TLS over one (then it serves HTTPS). */
    public static Impl<HttpServer> httpServerOn(Impl<Console> console, int port, Impl<Tcpv4> tcp) {
        return httpServerOn(console, port, tcp, Map.of());
    }

    /**
     * An HTTP/1.1 server with {@code options} (names of {@code HttpOptions.KEYS} to values, as
     * {@link HttpKeys#serverOptions()} gives them) over the defaults.
     */
    public static Impl<HttpServer> httpServerOn(Impl<Console> console, int port, Impl<Tcpv4> tcp,
                                                Map<String, String> options) {
        boolean tls = tcp instanceof Impl.Device<?> d && d.variable().equals("tls");
        List<Expr> args = new java.util.ArrayList<>(List.of(new Expr.Ref(console), new Expr.Ref(tcp), Expr.integer(port)));
        if (!options.isEmpty()) {
            args.add(new Expr.Static("dev.morgana.http.HttpOptions", "fromKeys", pairs(options)));
        }
        return new Impl.Device<>(HTTP, tls ? "https" : "http",
                new Expr.New("dev.morgana.http.Http1Server", args), Set.of("http-server"), List.of());
    }

    /** The static site's options: names of {@code SiteOptions.KEYS} to values, over the defaults. */
    public static Impl<SiteOptions> siteOptions(Map<String, String> options) {
        return new Impl.Device<>(SITE_OPTIONS, "siteOptions",
                new Expr.Static("dev.morgana.site.SiteOptions", "fromKeys", pairs(options)), Set.of("site"), List.of());
    }

    private static List<Expr> pairs(Map<String, String> options) {
        List<Expr> pairs = new java.util.ArrayList<>();
        options.forEach((name, value) -> {
            pairs.add(Expr.string(name));
            pairs.add(Expr.string(value));
        });
        return pairs;
    }

    /**
     * TLS 1.3/1.2 over {@code stack}'s TCP. {@code certificate} and {@code key} are PEM files
     * (relative to the project root), checked now and shipped in the appliance; if both are
     * empty, a self-signed development certificate for localhost is made once in
     * build/dev-tls/ and its fingerprint printed.
     */
    public static Impl<Tcpv4> tls(Impl<StackV4> stack, String certificate, String key) {
        TlsSetup.Files files = TlsSetup.prepare(ConfigContext.current(), certificate, key);
        Expr config = new Expr.Static("dev.morgana.tls.TlsConfig", "fromPem", List.of(
                new Expr.Static("dev.morgana.unix.Home", "path", List.of(Expr.string("data/tls/cert.pem"))),
                new Expr.Static("dev.morgana.unix.Home", "path", List.of(Expr.string("data/tls/key.pem"))),
                new Expr.Static("dev.morgana.types.Clock", "system", List.of())));
        return new Impl.Device<>(TCPV4, "tls",
                new Expr.New("dev.morgana.tls.TlsTcpv4", List.of(new Expr.Ref(tcpv4(stack)), config)),
                Set.of("tls", "unix"), List.of(new BuildStep.TlsFiles(files.certificate(), files.key())));
    }

    /** An int constant as an argument of a foreign module (a port, a size). */
    public static Impl<Integer> value(int value) {
        return new Impl.Device<>(INT, "value", Expr.integer(value), Set.of(), List.of());
    }
}
