package dev.morgana.fat;

import java.io.IOException;

/** The site cannot be written as a FAT image: a name FAT cannot hold, a site too large, ... */
public final class FatBuildException extends IOException {

    private static final long serialVersionUID = 1L;

    public FatBuildException(String message) {
        super(message);
    }

    public FatBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
