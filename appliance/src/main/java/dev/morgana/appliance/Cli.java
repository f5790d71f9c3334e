package dev.morgana.appliance;

import dev.morgana.appliance.build.ApplianceBuilder;
import dev.morgana.appliance.codegen.Manifest;
import dev.morgana.appliance.deploy.Artefacts;
import dev.morgana.appliance.deploy.Deployer;
import dev.morgana.appliance.deploy.SourceTree;
import dev.morgana.appliance.codegen.Configure;
import dev.morgana.appliance.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands behind the Makefile:
 * <pre>
 *   configure --app APP --out DIR [KEY=VALUE ...]   evaluate configs/APP/config.java, generate DIR/src/Main.java
 *   build --out DIR                                 link, crunch and compile the configured appliance
 *   deploy --out DIR --repo REPO [--force]          commit the built artefacts to a deployment repository
 *   rollback --out DIR --repo REPO [--to TAG]       restore the previous (or a tagged) deployment
 * </pre>
 * Run from the project root. Exit status 2 for usage and configuration errors, 1 for build failures.
 */
public final class Cli {

    private Cli() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (ConfigException e) {
            System.err.println("configure: error: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException {
        if (args.length == 0) {
            return usage("no command");
        }
        Path root = Path.of("").toAbsolutePath();
        String app = null;
        Path out = null;
        String repo = null;
        String to = null;
        boolean force = false;
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--app" -> app = value(args, ++i, arg);
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--repo" -> repo = value(args, ++i, arg);
                case "--to" -> to = value(args, ++i, arg);
                case "--force" -> force = true;
                default -> {
                    int eq = arg.indexOf('=');
                    if (eq <= 0 || !arg.substring(0, eq).matches("[A-Z][A-Z0-9_]*")) {
                        return usage("expected KEY=VALUE with an upper-case KEY, got '" + arg + "'");
                    }
                    keys.put(arg.substring(0, eq), arg.substring(eq + 1));
                }
            }
        }
        if (out == null) {
            return usage("--out is required");
        }
        switch (args[0]) {
            case "configure" -> {
                if (app == null) {
                    return usage("configure needs --app");
                }
                Configure.Result result = Configure.run(root, app, out, keys, System::getenv);
                System.out.println("configured " + result.manifest().name() + " (" + String.join(" ",
                        result.manifest().keys().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                        + ")");
                System.out.println("  generated " + root.relativize(result.mainSource().toAbsolutePath()));
                System.out.println("  modules: " + String.join(", ", result.manifest().modules()));
                result.notes().forEach(note -> System.out.println("  " + note));
                return 0;
            }
            case "build" -> {
                if (!keys.isEmpty()) {
                    return usage("build takes no keys: pass them to `make configure`");
                }
                boolean train = !"off".equals(System.getenv("MORGANA_AOT"));
                ApplianceBuilder.build(root, out, epoch(), train, line -> System.out.println("  " + line));
                return 0;
            }
            case "deploy", "rollback" -> {
                if (repo == null || repo.isBlank()) {
                    return usage(args[0] + " needs --repo (make " + args[0] + " DEPLOY_REPO=path-or-url)");
                }
                Manifest manifest = Manifest.read(out);
                String target = manifest.keys().getOrDefault("TARGET", "unix");
                Deployer deployer = new Deployer(out.resolve("work"), line -> System.out.println("  " + line));
                if (args[0].equals("rollback")) {
                    deployer.rollback(repo, manifest.name(), target, to);
                    return 0;
                }
                if (!force && SourceTree.isDirty(root)) {
                    System.err.println("deploy: error: the source tree has uncommitted changes, so the deployment would"
                            + " name a revision that did not build it. Commit first, or force with FORCE=1.");
                    return 1;
                }
                List<Path> artefacts = Artefacts.of(out, manifest.name(), target);
                String revision = SourceTree.revision(root) + (force && SourceTree.isDirty(root) ? "-dirty" : "");
                deployer.deploy(repo, new Deployer.Deployment(manifest.name(), target, artefacts, revision, manifest.keys()));
                return 0;
            }
            default -> {
                return usage("unknown command " + args[0]);
            }
        }
    }

    /** SOURCE_DATE_EPOCH (seconds) if set, else a fixed date: builds never read the clock. */
    static Instant epoch() {
        String text = System.getenv("SOURCE_DATE_EPOCH");
        if (text == null || text.isBlank()) {
            return ApplianceBuilder.DEFAULT_EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("SOURCE_DATE_EPOCH must be whole seconds since 1970, got '" + text + "'");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new ConfigException(option + " needs a value");
        }
        return args[i];
    }

    private static int usage(String problem) {
        System.err.println("usage: Cli configure --app APP --out DIR [KEY=VALUE ...] | Cli build --out DIR"
                + " | Cli deploy --out DIR --repo REPO [--force] | Cli rollback --out DIR --repo REPO [--to TAG]");
        System.err.println("error: " + problem);
        return 2;
    }
}
