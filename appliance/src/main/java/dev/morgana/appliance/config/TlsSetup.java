package dev.morgana.appliance.config;

import dev.morgana.tls.DevCertificate;
import dev.morgana.tls.TlsConfig;
import dev.morgana.types.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Configure-time TLS work: check the given PEM files, or make a development certificate. */
final class TlsSetup {

    /** The certificate and key the appliance will ship. */
    record Files(Path certificate, Path key) {}

    private TlsSetup() {}

    static Files prepare(ConfigContext context, String certificate, String key) {
        boolean noCertificate = certificate == null || certificate.isBlank();
        boolean noKey = key == null || key.isBlank();
        if (noCertificate != noKey) {
            throw new ConfigException("TLS needs both a certificate and a key (TLS_CERT and TLS_KEY), or neither for a"
                    + " development certificate");
        }
        try {
            if (noCertificate) {
                return development(context);
            }
            Path cert = context.root().resolve(certificate);
            Path pem = context.root().resolve(key);
            TlsConfig.fromPem(cert, pem, Clock.system()); // names the file on any problem
            return new Files(cert, pem);
        } catch (IOException e) {
            throw new ConfigException("TLS: " + e.getMessage());
        }
    }

    private static Files development(ConfigContext context) throws IOException {
        Path dir = context.root().resolve("build").resolve("dev-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (java.nio.file.Files.isRegularFile(cert) && java.nio.file.Files.isRegularFile(key)) {
            try {
                TlsConfig.fromPem(cert, key, Clock.system());
                context.note("TLS: development certificate " + context.root().relativize(cert) + " (self-signed, localhost)");
                return new Files(cert, key);
            } catch (IOException expiredOrBroken) {
                // make a new one below
            }
        }
        java.nio.file.Files.createDirectories(dir);
        String fingerprint = DevCertificate.generate(cert, key, Clock.system(), new SecureRandom());
        context.note("TLS: made a self-signed development certificate for localhost in " + context.root().relativize(dir));
        context.note("TLS: its SHA-256 fingerprint is " + fingerprint);
        return new Files(cert, key);
    }
}
