package dev.morgana.tls;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A certificate or key file that cannot serve: unreadable, malformed, mismatched or outside its
 * validity period. The message names the file and the reason, never the key material.
 */
public final class TlsConfigException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Path file;

    TlsConfigException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    TlsConfigException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
