package dev.morgana.load;

import io.gatling.javaapi.core.Simulation;

/** Simulation 3: {@code load.bulk.users} downloaders of the largest file (see {@link Scenarios#bulk}). */
public class BulkDownloadSimulation extends Simulation {
    {
        LoadParameters p = LoadParameters.fromEnvironment();
        setUp(Scenarios.bulk(p))
                .protocols(SiteRequests.protocol(p)).assertions(Scenarios.assertions(p))
                .maxDuration(Scenarios.bound(p));
    }
}
