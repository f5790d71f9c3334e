package dev.morgana.appliance.codegen;

import dev.morgana.appliance.config.BuildStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code configure} tells {@code build}: the appliance's name, the Morgana modules its
 * generated Main needs, the build steps of its devices and the key values it was configured
 * with. Stored as {@code appliance.manifest}, a small line-based text file in a fixed order so
 * that the same config gives the same bytes.
 *
 * @param name the appliance's name
 * @param config the config file it came from, relative to the project root
 * @param modules the Morgana modules (Maven artifactIds) the Main references directly
 * @param steps the build steps, in graph order
 * @param keys the key values the config read
 */
public record Manifest(String name, String config, SortedSet<String> modules, List<BuildStep> steps,
                       Map<String, String> keys) {

    public static final String FILE_NAME = "appliance.manifest";

    public Manifest {
        modules = new TreeSet<>(modules);
        steps = List.copyOf(steps);
        keys = new TreeMap<>(keys);
    }

    /** Writes the manifest into {@code directory}. */
    public void write(Path directory) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by `make configure`; read by `make build`.\n");
        sb.append("name ").append(name).append('\n');
        sb.append("config ").append(config).append('\n');
        for (String module : modules) {
            sb.append("module ").append(module).append('\n');
        }
        for (BuildStep step : steps) {
            switch (step) {
                case BuildStep.Crunch crunch ->
                        sb.append("crunch ").append(crunch.resource()).append(' ').append(crunch.htdocs()).append('\n');
                case BuildStep.FatImage fat ->
                        sb.append("fat ").append(fat.file()).append(' ').append(fat.htdocs()).append('\n');
                case BuildStep.TlsFiles tls ->
                        sb.append("tls ").append(tls.certificate()).append('\n').append("tls-key ").append(tls.key()).append('\n');
            }
        }
        keys.forEach((k, v) -> sb.append("key ").append(k).append('=').append(v).append('\n'));
        Files.writeString(directory.resolve(FILE_NAME), sb, StandardCharsets.UTF_8);
    }

    /** Reads the manifest in {@code directory}, rejecting lines it does not know. */
    public static Manifest read(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": run `make configure` first");
        }
        String name = null;
        String config = null;
        SortedSet<String> modules = new TreeSet<>();
        List<BuildStep> steps = new ArrayList<>();
        Map<String, String> keys = new TreeMap<>();
        Path tlsCertificate = null;
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String word = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1);
            switch (word) {
                case "name" -> name = rest;
                case "config" -> config = rest;
                case "module" -> modules.add(rest);
                case "crunch", "fat" -> {
                    int split = rest.indexOf(' ');
                    if (split < 0) {
                        throw new IOException(file + ":" + lineNumber + ": " + word + " needs a target and a directory");
                    }
                    String target = rest.substring(0, split);
                    Path htdocs = Path.of(rest.substring(split + 1));
                    steps.add(word.equals("crunch") ? new BuildStep.Crunch(htdocs, target) : new BuildStep.FatImage(htdocs, target));
                }
                case "tls" -> tlsCertificate = Path.of(rest);
                case "tls-key" -> {
                    if (tlsCertificate == null) {
                        throw new IOException(file + ":" + lineNumber + ": tls-key without a tls line before it");
                    }
                    steps.add(new BuildStep.TlsFiles(tlsCertificate, Path.of(rest)));
                    tlsCertificate = null;
                }
                case "key" -> {
                    int eq = rest.indexOf('=');
                    if (eq < 0) {
                        throw new IOException(file + ":" + lineNumber + ": key needs NAME=VALUE");
                    }
                    keys.put(rest.substring(0, eq), rest.substring(eq + 1));
                }
                default -> throw new IOException(file + ":" + lineNumber + ": unknown entry '" + word + "'");
            }
        }
        if (name == null || config == null) {
            throw new IOException(file + ": missing name or config line; run `make configure` again");
        }
        return new Manifest(name, config, modules, steps, keys);
    }
}
