package dev.morgana.load;

import io.gatling.javaapi.core.Simulation;

/** Simulation 2: {@code load.rate} small-file requests per second (see {@link Scenarios#smallFiles}). */
public class SmallFilesSimulation extends Simulation {
    {
        LoadParameters p = LoadParameters.fromEnvironment();
        setUp(Scenarios.smallFiles(p))
                .protocols(SiteRequests.protocol(p)).assertions(Scenarios.assertions(p, Scenarios.SMALL_FILE))
                .maxDuration(Scenarios.bound(p));
    }
}
