package dev.morgana.load;

import io.gatling.javaapi.core.Simulation;

/** Simulation 1: {@code load.users} people browsing the site (see {@link Scenarios#visitors}). */
public class VisitorSimulation extends Simulation {
    {
        LoadParameters p = LoadParameters.fromEnvironment();
        setUp(Scenarios.visitors(p))
                .protocols(SiteRequests.protocol(p)).assertions(Scenarios.assertions(p))
                .maxDuration(Scenarios.bound(p));
    }
}
