package dev.morgana.appliance.codegen;

import static dev.morgana.appliance.config.Dsl.CONSOLE;
import static dev.morgana.appliance.config.Dsl.HTTP;
import static dev.morgana.appliance.config.Dsl.INT;
import static dev.morgana.appliance.config.Dsl.JOB;
import static dev.morgana.appliance.config.Dsl.KV_RO;
import static dev.morgana.appliance.config.Dsl.STACKV4;
import static dev.morgana.appliance.config.Dsl.apply;
import static dev.morgana.appliance.config.Dsl.crunch;
import static dev.morgana.appliance.config.Dsl.defaultConsole;
import static dev.morgana.appliance.config.Dsl.fn;
import static dev.morgana.appliance.config.Dsl.foreign;
import static dev.morgana.appliance.config.Dsl.httpServer;
import static dev.morgana.appliance.config.Dsl.socketStackV4;
import static dev.morgana.appliance.config.Dsl.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.morgana.appliance.config.BuildStep;
import dev.morgana.appliance.config.ConfigContext.Registration;
import dev.morgana.appliance.config.ConfigException;
import dev.morgana.appliance.config.Impl;
import dev.morgana.types.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MainGeneratorTest {

    @Test
    void staticSiteGraphBecomesOneStatementPerDeviceInDependencyOrder() {
        var console = defaultConsole();
        var server = httpServer(console, 8080, socketStackV4(console));
        var site = foreign("dev.morgana.site.StaticSite", fn(CONSOLE, KV_RO, HTTP, JOB), "site");
        Impl<Job> job = apply(site, console, crunch("htdocs-example/target/htdocs"), server);

        MainGenerator.Generated g = MainGenerator.generate(new Registration("www", List.of(job)), List.of("header line"));

        assertEquals("""
                // header line
                // Do not edit: change the config and run `make configure` again.

                import dev.morgana.crunch.CrunchStore;
                import dev.morgana.http.Http1Server;
                import dev.morgana.site.StaticSite;
                import dev.morgana.tcpip.socket.SocketStackV4;
                import dev.morgana.types.Console;
                import dev.morgana.types.Ipv4Address;
                import dev.morgana.types.Job;
                import dev.morgana.types.JobRunner;
                import dev.morgana.types.StackV4;
                import dev.morgana.types.Tcpv4;
                import dev.morgana.types.http.HttpServer;
                import dev.morgana.types.kv.KvRo;
                import dev.morgana.unix.StdoutConsole;
                import java.util.List;

                /** The "www" appliance: builds its devices in dependency order, then runs its jobs. */
                public final class Main {

                    private Main() {}

                    public static void main(String[] args) {
                        try {
                            Console console = new StdoutConsole();
                            KvRo store = CrunchStore.openResource("/morgana/htdocs.crunch");
                            StackV4 stack = new SocketStackV4(console, Ipv4Address.parse("0.0.0.0"));
                            Tcpv4 tcp = stack.tcpv4();
                            HttpServer http = new Http1Server(console, tcp, 8080);
                            Job staticSite = new StaticSite(console, store, http);
                            JobRunner.run("www", console,
                                    List.of(staticSite),
                                    List.of(console, store, stack, http));
                        } catch (Exception e) {
                            JobRunner.failStart("www", e);
                        }
                    }
                }
                """, g.source());
        assertEquals(Set.of("http-server", "kv-ro-crunch", "site", "tcpip", "types", "unix"), g.modules());
        assertEquals(List.of(new BuildStep.Crunch(Path.of("htdocs-example/target/htdocs"), "morgana/htdocs.crunch")), g.steps());
    }

    @Test
    void equalDevicesAreBuiltOnceAndConstantsInlined() {
        var echo = foreign("dev.morgana.examples.Echo", fn(CONSOLE, STACKV4, INT, JOB), "examples");
        // Two structurally equal stacks and consoles, written separately, are one device each.
        Impl<Job> a = apply(echo, defaultConsole(), socketStackV4(defaultConsole()), value(7));
        Impl<Job> b = apply(echo, defaultConsole(), socketStackV4(defaultConsole()), value(8));

        String source = MainGenerator.generate(new Registration("two", List.of(a, b)), List.of()).source();

        assertEquals(1, count(source, "new StdoutConsole()"), source);
        assertEquals(1, count(source, "new SocketStackV4("), source);
        assertTrue(source.contains("Job echo = new Echo(console, stack, 7);"), source);
        assertTrue(source.contains("Job echo2 = new Echo(console, stack, 8);"), source);
        assertTrue(source.contains("List.of(echo, echo2)"), source);
    }

    @Test
    void partiallyAppliedForeignModuleIsAConfigError() {
        var f = foreign("x.Three", fn(CONSOLE, STACKV4, INT, JOB));
        @SuppressWarnings("unchecked")
        Impl<Job> partial = (Impl<Job>) (Impl<?>) apply(f, defaultConsole());
        ConfigException e = assertThrows(ConfigException.class,
                () -> MainGenerator.generate(new Registration("p", List.of(partial)), List.of()));
        assertEquals("foreign x.Three is applied to 1 of its 3 arguments (console @-> stackv4 @-> int @-> job)", e.getMessage());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
