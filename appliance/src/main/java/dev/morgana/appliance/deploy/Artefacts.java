package dev.morgana.appliance.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The files `make build` produced for a target, which a deployment commits. */
public final class Artefacts {

    private Artefacts() {}

    /**
     * @param out the appliance's build folder (build/NAME)
     * @param name the appliance's name
     * @param target the TARGET key's value
     */
    public static List<Path> of(Path out, String name, String target) throws IOException {
        List<Path> files = switch (target) {
            case "unix" -> List.of(out.resolveSibling(out.getFileName() + ".tar.gz"));
            case "docker" -> List.of(out.resolveSibling(out.getFileName() + "-oci.tar"));
            default -> throw new IOException("deploying TARGET=" + target + " is not supported yet (unix and docker are)");
        };
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IOException("no " + file + ": run `make build` first");
            }
        }
        return files;
    }
}
