package dev.morgana.load;

import io.gatling.javaapi.core.Simulation;

/** Visitors, small files and bulk downloads at once: the soak test's load. Any http(s) URL. */
public class MixedSimulation extends Simulation {
    {
        LoadParameters p = LoadParameters.fromEnvironment();
        setUp(Scenarios.visitors(p), Scenarios.smallFiles(p), Scenarios.bulk(p))
                .protocols(SiteRequests.protocol(p))
                .assertions(Scenarios.assertions(p))
                .maxDuration(Scenarios.bound(p));
    }
}
