package dev.morgana.crunch;

import java.io.IOException;

/**
 * A site that cannot be crunched, or a store that cannot be opened. The message names the
 * offending file or store and says what is wrong with it.
 */
public final class CrunchException extends IOException {

    private static final long serialVersionUID = 1L;

    public CrunchException(String message) {
        super(message);
    }

    public CrunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
