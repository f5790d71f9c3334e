package dev.morgana.fat;

import java.io.IOException;

/** The bytes are not a FAT file system this reader accepts, or the file system is damaged. */
public final class FatFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public FatFormatException(String message) {
        super(message);
    }
}
