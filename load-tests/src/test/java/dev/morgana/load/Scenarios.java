package dev.morgana.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.uniformRandomSwitch;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The three kinds of load, as Gatling populations, built from the parameters and the manifest. */
final class Scenarios {

    /** Files up to this size count as small for simulation 2. */
    static final long SMALL = 64 * 1024;
    /** The request name of simulation 2's measured part. */
    static final String SMALL_FILE = "small file";

    private Scenarios() {}

    /**
     * (1) A person browsing: the home page with its stylesheet, images and favicon, a pause to
     * read, then other pages picked at random, each with its own subresources.
     */
    static PopulationBuilder visitors(LoadParameters p) {
        Map<String, SiteFile> byPath = ChecksumManifest.byPath(p.site());
        List<ChainBuilder> pages = new ArrayList<>();
        for (SiteFile page : p.readablePages()) {
            pages.add(exec(pageWithResources(page, byPath)));
        }
        // Reading a page takes between a quarter of the think time and all of it.
        ChainBuilder read = p.think().isZero() ? exec(session -> session) : pause(p.think().dividedBy(4), p.think());
        ScenarioBuilder visitor = scenario("visitor")
                .exec(pageWithResources(p.home(), byPath))
                .exec(read)
                .repeat(p.pages() - 1).on(uniformRandomSwitch().on(pages).exec(read));
        return visitor.injectClosed(constantConcurrentUsers(p.users()).during(p.duration()));
    }

    private static HttpRequestActionBuilder pageWithResources(SiteFile page, Map<String, SiteFile> byPath) {
        List<HttpRequestActionBuilder> resources = page.subresources().stream()
                .map(byPath::get)
                .map(file -> SiteRequests.get(SiteRequests.kind(file.path()), file))
                .toList();
        return SiteRequests.get("page", page).resources(resources);
    }

    /**
     * (2) A constant arrival rate of requests for small files, each a new visitor and connection,
     * after an optional warm-up ramping up to that rate whose requests are named "warm-up" so
     * that the p99 assertion leaves them out (they are checked all the same).
     */
    static PopulationBuilder smallFiles(LoadParameters p) {
        List<Map<String, Object>> records = p.smallFiles(SMALL).stream()
                .map(f -> Map.<String, Object>of("url", f.urlPath(), "length", Long.toString(f.length()), "sha256", f.sha256()))
                .toList();
        PopulationBuilder measured = smallFileArrivals("small files", SMALL_FILE, records)
                .injectOpen(constantUsersPerSec(p.rate()).during(p.duration()));
        if (p.warmup().isZero()) {
            return measured;
        }
        return smallFileArrivals("warm-up", "warm-up", records)
                .injectOpen(rampUsersPerSec(1).to(p.rate()).during(p.warmup()))
                .andThen(measured);
    }

    private static ScenarioBuilder smallFileArrivals(String scenario, String request, List<Map<String, Object>> records) {
        return scenario(scenario)
                .feed(listFeeder(records).circular())
                .exec(http(request).get("#{url}").check(SiteRequests.fedChecks()));
    }

    /** (3) Downloaders fetching the site's largest file over and over for the duration. */
    static PopulationBuilder bulk(LoadParameters p) {
        SiteFile big = p.largest();
        ScenarioBuilder scenario = scenario("bulk")
                .during(p.duration()).on(exec(SiteRequests.get("bulk download", big)));
        return scenario.injectOpen(atOnceUsers(p.bulkUsers()));
    }

    /**
     * The longest a run may take: the warm-up and injection time plus one minute for the last visits and
     * downloads to finish. Gatling stops the run there, so a stalled appliance cannot hang it.
     */
    static Duration bound(LoadParameters p) {
        return p.warmup().plus(p.duration()).plus(p.think().multipliedBy(p.pages())).plusSeconds(60);
    }

    /**
     * Zero failed requests (a failed check fails its request), and the p99 bound when one is
     * set: over all requests, or over those named {@code measured} when given.
     */
    static List<Assertion> assertions(LoadParameters p, String... measured) {
        List<Assertion> assertions = new ArrayList<>();
        assertions.add(global().failedRequests().count().is(0L));
        p.p99().ifPresent(ms -> assertions.add(
                (measured.length == 0 ? global() : details(measured)).responseTime().percentile(99.0).lt(ms)));
        return assertions;
    }
}
