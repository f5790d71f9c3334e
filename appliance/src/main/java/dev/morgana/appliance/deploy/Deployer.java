package dev.morgana.appliance.deploy;

import dev.morgana.appliance.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The tutorial's "git your own cloud": built artefacts are committed to a deployment
 * repository, one folder per appliance and target, with a tag naming the source revision and
 * the keys. {@code git log} there is the deployment history; {@link #rollback} restores an
 * earlier deployment as a new commit. History is never rewritten: pushes are never forced.
 */
public final class Deployer {

    /** One deployment: what to commit and where it came from. */
    public record Deployment(String appliance, String target, List<Path> artefacts, String sourceRevision,
                             Map<String, String> keys) {}

    /** What happened. */
    public record Outcome(boolean committed, String tag, String commit) {}

    private final Path workspace;
    private final Consumer<String> progress;

    /**
     * @param workspace a scratch folder for the deployment repository's clone
     * @param progress receives one line per step
     */
    public Deployer(Path workspace, Consumer<String> progress) {
        this.workspace = workspace;
        this.progress = progress;
    }

    /** Commits {@code deployment}'s artefacts to {@code repository} (a path or URL git can clone and push to). */
    public Outcome deploy(String repository, Deployment deployment) throws IOException {
        Git git = cloneOf(repository);
        Path folder = checkout().resolve(deployment.appliance()).resolve(deployment.target());
        FileTrees.delete(folder);
        Files.createDirectories(folder);
        for (Path artefact : deployment.artefacts()) {
            if (!Files.isRegularFile(artefact)) {
                throw new IOException("artefact " + artefact + " does not exist: run `make build` first");
            }
            Files.copy(artefact, folder.resolve(artefact.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(folder.resolve("DEPLOYED-FROM"), describe(deployment), StandardCharsets.UTF_8);
        git.run("add", "--all", deployment.appliance() + "/" + deployment.target());
        if (git.run("status", "--porcelain").isBlank()) {
            progress.accept("deploy: nothing changed: the deployed artefacts are identical, no new commit");
            return new Outcome(false, null, head(git));
        }
        String tag = tagFor(deployment);
        if (!git.tryRun("rev-parse", "-q", "--verify", "refs/tags/" + tag).output().isBlank()) {
            throw new IOException("tag " + tag + " already exists with other artefacts: the same source and keys"
                    + " built differently (is the build reproducible? try `make repro`)");
        }
        git.run("commit", "-q", "-m", "deploy " + deployment.appliance() + " (" + deployment.target() + ") from "
                + deployment.sourceRevision() + "\n\n" + describe(deployment));
        git.run("tag", "-a", tag, "-m", "deploy of source " + deployment.sourceRevision());
        git.run("push", "-q", "origin", "HEAD:refs/heads/" + branch(git), "refs/tags/" + tag);
        String commit = head(git);
        progress.accept("deploy: committed " + commit.substring(0, 12) + ", tagged " + tag);
        return new Outcome(true, tag, commit);
    }

    /**
     * Restores {@code appliance/target} as it was at {@code tag} (or, if null, at the deployment
     * before the current one), as a new commit on top of the history.
     */
    public Outcome rollback(String repository, String appliance, String target, String tag) throws IOException {
        Git git = cloneOf(repository);
        String path = appliance + "/" + target;
        String from = tag;
        if (from == null) {
            List<String> commits = git.run("log", "--format=%H", "--", path).lines().toList();
            if (commits.size() < 2) {
                throw new IOException("no earlier deployment of " + path + " to roll back to");
            }
            from = commits.get(1);
        }
        git.run("rm", "-r", "-q", "--ignore-unmatch", "--", path);
        git.run("checkout", from, "--", path);
        if (git.run("status", "--porcelain").isBlank()) {
            progress.accept("rollback: " + path + " is already as at " + from);
            return new Outcome(false, null, head(git));
        }
        git.run("commit", "-q", "-m", "roll back " + path + " to " + from);
        git.run("push", "-q", "origin", "HEAD:refs/heads/" + branch(git));
        String commit = head(git);
        progress.accept("rollback: " + path + " restored as at " + from + " in commit " + commit.substring(0, 12));
        return new Outcome(true, null, commit);
    }

    private Path checkout() {
        return workspace.resolve("deploy-repo");
    }

    private Git cloneOf(String repository) throws IOException {
        FileTrees.delete(checkout());
        Files.createDirectories(workspace);
        new Git(workspace).run("clone", "-q", repository, checkout().toString());
        Git git = new Git(checkout());
        if (git.tryRun("rev-parse", "-q", "--verify", "HEAD").status() != 0) {
            git.run("checkout", "-q", "-b", "main"); // an empty repository: start its history
        }
        return git;
    }

    private static String branch(Git git) throws IOException {
        return git.run("rev-parse", "--abbrev-ref", "HEAD").strip();
    }

    private static String head(Git git) throws IOException {
        Git.Result r = git.tryRun("rev-parse", "HEAD");
        return r.status() == 0 ? r.output().strip() : "";
    }

    /** A tag naming the appliance, target, source revision and (hashed) keys. */
    static String tagFor(Deployment d) {
        String rev = d.sourceRevision().length() > 12 ? d.sourceRevision().substring(0, 12) : d.sourceRevision();
        return "deploy/" + d.appliance() + "/" + d.target() + "/" + rev + "-" + keysHash(d.keys());
    }

    private static String keysHash(Map<String, String> keys) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(new TreeMap<>(keys).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String describe(Deployment d) {
        StringBuilder sb = new StringBuilder();
        sb.append("appliance: ").append(d.appliance()).append('\n');
        sb.append("target: ").append(d.target()).append('\n');
        sb.append("source: ").append(d.sourceRevision()).append('\n');
        List<String> keys = new ArrayList<>();
        new TreeMap<>(d.keys()).forEach((k, v) -> keys.add(k + "=" + v));
        sb.append("keys: ").append(String.join(" ", keys)).append('\n');
        return sb.toString();
    }

}
