// The static website appliance (the tutorial's static_website example).
// Evaluated by `make configure`; change keys on its command line: make configure FS=crunch NET=socket PORT=8080
import static dev.morgana.appliance.config.Dsl.*;

import dev.morgana.appliance.config.Impl;
import dev.morgana.appliance.config.Key;
import dev.morgana.types.StackV4;
import dev.morgana.types.kv.KvRo;

Key<String> target = Key.choice("TARGET", "what the appliance is packaged as", "unix", "unix", "docker", "xen");
Key<String> fs = Key.choice("FS", "how the site's files are stored", "crunch", "crunch", "fat");
Key<String> net = Key.choice("NET", "which TCP/IP stack serves it", "socket", "socket");
Key<Integer> port = Key.integer("PORT", "the HTTP port", 8080, 1, 65535);
Key<String> htdocs = Key.of("HTDOCS", "the site directory, relative to the project root",
        "htdocs-example/target/htdocs", text -> text);

void main() {
    target.get();
    var console = defaultConsole();

    Impl<KvRo> store = switch (fs.get()) {
        case "fat" -> kvRoOfFat(fatImage(htdocs.get()));
        default -> crunch(htdocs.get());
    };
    Impl<StackV4> stack = switch (net.get()) {
        default -> socketStackV4(console);
    };
    var server = httpServer(console, port.get(), stack);

    var site = foreign("dev.morgana.site.StaticSite", fn(CONSOLE, KV_RO, HTTP, JOB), "site");
    register("www", apply(site, console, store, server));
}
