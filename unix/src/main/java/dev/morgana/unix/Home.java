package dev.morgana.unix;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder an appliance was installed in (the launcher passes it as {@code -Dmorgana.home}),
 * so devices can find the files shipped beside the code, such as a FAT image.
 */
public final class Home {

    /** The system property the launcher sets. */
    public static final String PROPERTY = "morgana.home";

    private Home() {}

    /**
     * {@code relative} resolved against the appliance's folder.
     *
     * @throws IllegalStateException if the appliance was not started by its launcher
     */
    public static Path path(String relative) {
        String home = System.getProperty(PROPERTY);
        if (home == null || home.isBlank() || !Files.isDirectory(Path.of(home))) {
            throw new IllegalStateException("-D" + PROPERTY + " does not name the appliance's folder"
                    + " (got " + home + "): start the appliance with its launcher, bin/NAME");
        }
        return Path.of(home).resolve(relative);
    }
}
