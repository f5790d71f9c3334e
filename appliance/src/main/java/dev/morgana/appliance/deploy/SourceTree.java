package dev.morgana.appliance.deploy;

import java.io.IOException;
import java.nio.file.Path;

/** What git says about the sources an appliance is built from. */
public final class SourceTree {

    private SourceTree() {}

    /** True if tracked or untracked (not ignored) files differ from the last commit. */
    public static boolean isDirty(Path root) throws IOException {
        return !new Git(root).run("status", "--porcelain").isBlank();
    }

    /** The commit the sources are at. */
    public static String revision(Path root) throws IOException {
        return new Git(root).run("rev-parse", "HEAD").strip();
    }
}
