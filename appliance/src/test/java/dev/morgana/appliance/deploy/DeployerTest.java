package dev.morgana.appliance.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Deployments into a temporary bare repository: history, tags, no-op redeploys, rollback. */
@Timeout(120)
class DeployerTest {

    @TempDir
    Path tmp;

    private String repo;
    private Deployer deployer;

    @BeforeEach
    void bareRepository() throws IOException {
        Path bare = tmp.resolve("deployments.git");
        Files.createDirectories(bare);
        new Git(bare).run("init", "-q", "--bare", "--initial-branch=main");
        repo = bare.toString();
        deployer = new Deployer(tmp.resolve("work"), line -> {});
    }

    private Deployer.Deployment deployment(String revision, byte[] content) throws IOException {
        Path artefact = tmp.resolve("build-" + revision).resolve("www.tar.gz");
        Files.createDirectories(artefact.getParent());
        Files.write(artefact, content);
        return new Deployer.Deployment("www", "unix", List.of(artefact), revision, Map.of("PORT", "8080", "FS", "crunch"));
    }

    private List<String> log() throws IOException {
        return new Git(Path.of(repo)).run("log", "--format=%s", "main").lines().toList();
    }

    private byte[] deployedBytes() throws IOException {
        Path check = tmp.resolve("check");
        new Git(tmp).run("clone", "-q", repo, check.toString());
        byte[] bytes = Files.readAllBytes(check.resolve("www/unix/www.tar.gz"));
        try (var paths = Files.walk(check)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return bytes;
    }

    @Test
    void deploysCommitsAndTagsEachNewBuild() throws IOException {
        Deployer.Outcome first = deployer.deploy(repo, deployment("aaaaaaaaaaaaaaaa", new byte[] {1, 2, 3}));
        Deployer.Outcome second = deployer.deploy(repo, deployment("bbbbbbbbbbbbbbbb", new byte[] {4, 5, 6}));
        assertTrue(first.committed() && second.committed());
        assertEquals(List.of("deploy www (unix) from bbbbbbbbbbbbbbbb", "deploy www (unix) from aaaaaaaaaaaaaaaa"), log());
        String tags = new Git(Path.of(repo)).run("tag", "--list");
        assertTrue(tags.contains("deploy/www/unix/aaaaaaaaaaaa-"), tags);
        assertTrue(tags.contains("deploy/www/unix/bbbbbbbbbbbb-"), tags);
        assertArrayEquals(new byte[] {4, 5, 6}, deployedBytes());
    }

    @Test
    void identicalArtefactsMakeNoNewCommit() throws IOException {
        deployer.deploy(repo, deployment("aaaaaaaaaaaaaaaa", new byte[] {1, 2, 3}));
        Deployer.Outcome again = deployer.deploy(repo, deployment("aaaaaaaaaaaaaaaa", new byte[] {1, 2, 3}));
        assertFalse(again.committed());
        assertEquals(1, log().size());
    }

    @Test
    void rollbackRestoresThePreviousArtefactsAsANewCommit() throws IOException {
        deployer.deploy(repo, deployment("aaaaaaaaaaaaaaaa", new byte[] {1, 2, 3}));
        deployer.deploy(repo, deployment("bbbbbbbbbbbbbbbb", new byte[] {9, 9}));
        Deployer.Outcome rolledBack = deployer.rollback(repo, "www", "unix", null);
        assertTrue(rolledBack.committed());
        assertArrayEquals(new byte[] {1, 2, 3}, deployedBytes());
        List<String> log = log();
        assertEquals(3, log.size(), "history is kept, never rewritten: " + log);
        assertTrue(log.getFirst().startsWith("roll back www/unix to "), log.getFirst());
    }

    @Test
    void rollbackToATagRestoresThatDeployment() throws IOException {
        Deployer.Outcome first = deployer.deploy(repo, deployment("aaaaaaaaaaaaaaaa", new byte[] {1}));
        deployer.deploy(repo, deployment("bbbbbbbbbbbbbbbb", new byte[] {2}));
        deployer.deploy(repo, deployment("cccccccccccccccc", new byte[] {3}));
        deployer.rollback(repo, "www", "unix", first.tag());
        assertArrayEquals(new byte[] {1}, deployedBytes());
    }

    @Test
    void dirtySourceTreeIsDetected() throws IOException {
        Path source = tmp.resolve("source");
        Files.createDirectories(source);
        Git git = new Git(source);
        git.run("init", "-q");
        Files.writeString(source.resolve("a.txt"), "a");
        git.run("add", "a.txt");
        git.run("commit", "-q", "-m", "a");
        assertFalse(SourceTree.isDirty(source));
        Files.writeString(source.resolve("a.txt"), "changed");
        assertTrue(SourceTree.isDirty(source));
    }
}
