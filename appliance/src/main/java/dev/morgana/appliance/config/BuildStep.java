package dev.morgana.appliance.config;

import java.nio.file.Path;
import java.util.Objects;

/** Work that {@code make build} does for a device before the appliance can run. */
public sealed interface BuildStep {

    /**
     * Pack a site directory into a crunch store shipped on the class path.
     *
     * @param htdocs the site directory, relative to the project root
     * @param resource the class-path resource name the store gets ("morgana/htdocs.crunch")
     */
    record Crunch(Path htdocs, String resource) implements BuildStep {
        public Crunch {
            Objects.requireNonNull(htdocs);
            Objects.requireNonNull(resource);
        }
    }

    /**
     * Build a FAT image of a site, shipped as a file beside the appliance's code.
     *
     * @param htdocs the site directory, relative to the project root
     * @param file where the image goes, relative to the appliance's folder ("data/htdocs.img")
     */
    record FatImage(Path htdocs, String file) implements BuildStep {
        public FatImage {
            Objects.requireNonNull(htdocs);
            Objects.requireNonNull(file);
        }
    }

    /**
     * Ship a TLS certificate chain and private key beside the appliance, as
     * {@code data/tls/cert.pem} and {@code data/tls/key.pem}.
     *
     * @param certificate the PEM certificate chain (absolute, or relative to the project root)
     * @param key the PEM private key
     */
    record TlsFiles(Path certificate, Path key) implements BuildStep {
        public TlsFiles {
            Objects.requireNonNull(certificate);
            Objects.requireNonNull(key);
        }
    }
}
