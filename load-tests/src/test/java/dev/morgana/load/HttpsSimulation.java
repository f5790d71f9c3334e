package dev.morgana.load;

import io.gatling.javaapi.core.Simulation;

/**
 * Simulation 4: simulations 1 to 3 together over TLS. It insists on an https load.url so that a
 * run meant to load TLS cannot silently load plain HTTP. Gatling accepts any server certificate
 * by default, so an appliance's self-signed one works. Every check is the same as over HTTP: the
 * bytes after decryption must be the site's.
 */
public class HttpsSimulation extends Simulation {
    {
        LoadParameters p = LoadParameters.fromEnvironment();
        if (!p.tls()) {
            throw new IllegalArgumentException("HttpsSimulation needs an https load.url, got " + p.url());
        }
        setUp(Scenarios.visitors(p), Scenarios.smallFiles(p), Scenarios.bulk(p))
                .protocols(SiteRequests.protocol(p))
                .assertions(Scenarios.assertions(p))
                .maxDuration(Scenarios.bound(p));
    }
}
