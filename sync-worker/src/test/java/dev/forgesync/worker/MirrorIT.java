package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/** Mirrors over real git HTTP into the OneDev stand-in: ref for ref, deltas only, deletions, project reuse. */
class MirrorIT extends WorkerITSupport {

    @Test
    void freshMirrorEqualsTheSourceRefForRefWithTheWholeAuditTrail() {
        String fullName = unique("octo") + "/" + unique("Repo.With.Dots");
        try (SourceRepo source = source(fullName)) {
            RevCommit first = source.commit("main", "README.md", "hello");
            RevCommit feature = source.commit("feature/x", "feature.txt", "feature");
            source.commit("main", "more.txt", "more");
            source.annotatedTag("v1.0", first);
            source.lightweightTag("light", feature);
            source.danglingHead("gone");
            long id = registerRepository(fullName, 3);

            requestSync(id, fullName);
            awaitStatus(id, "completed");

            Map<String, Object> row = row(id);
            long projectId = ((Number) row.get("onedev_project_id")).longValue();
            assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).isEqualTo(source.refs())
                    .containsKeys("refs/heads/main", "refs/heads/feature/x", "refs/tags/v1.0", "refs/tags/light");
            assertThat(row.get("onedev_repo_name")).isEqualTo(ONEDEV.projects().stream()
                    .filter(p -> p.id() == projectId).findFirst().orElseThrow().path());
            assertThat((String) row.get("onedev_url")).startsWith(ONEDEV.baseUri().toString()).endsWith(".git");
            assertThat(row.get("last_synced_at")).isNotNull();
            // A first mirror creates the project once the source has listed its refs, and the pack goes to it while
            // it is fetched (FirstMirrorRelay): the push step then has nothing left to send.
            assertThat(eventTypes(id)).containsExactly("sync_started", "clone_started", "onedev_repo_created",
                    "clone_completed", "push_started", "push_completed", "sync_completed");
            assertThat(logs(id).stream().filter(r -> "clone_completed".equals(r.get("event_type"))).findFirst()
                    .orElseThrow().get("payload").toString())
                    .contains("\"relayedTo\": \"onedev\"");
            Map<String, Object> completed = lastCompleted(id);
            assertThat(completed.get("payload").toString()).contains("\"branches\": 2", "\"tags\": 2");
            assertThat(((Number) completed.get("bytes_transferred")).longValue()).isPositive();
            assertThat(completed.get("duration_seconds")).isNotNull();
        }
    }

    @Test
    void resyncTransfersOnlyTheDeltaAndANoOpResyncSendsNoPack() {
        String fullName = unique("octo") + "/" + unique("big");
        try (SourceRepo source = source(fullName)) {
            source.commit("main", "blob.bin", SourceRepo.randomBytes(400_000, 1));
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            long full = bytes(lastCompleted(id));
            assertThat(full).isGreaterThan(2 * 400_000L);

            source.commit("main", "small.txt", "a small change");
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 2);
            Map<String, Object> delta = lastCompleted(id);
            assertThat(bytes(delta)).isLessThan(20_000L);
            assertThat(delta.get("payload").toString()).contains("\"refsUpdated\": 1");

            ONEDEV.clearRequests();
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 3);
            Map<String, Object> noop = lastCompleted(id);
            assertThat(noop.get("payload").toString()).contains("\"bytesPushed\": 0", "\"refsUpdated\": 0");
            assertThat(bytes(noop)).isLessThan(5_000L);
            assertThat(ONEDEV.requests()).noneMatch(GitHttpServer.Request::isReceivePack);
            long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
            assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).isEqualTo(source.refs());
        }
    }

    @Test
    void aBranchDeletedAtTheSourceIsDeletedInTheMirror() {
        String fullName = unique("octo") + "/" + unique("prune");
        try (SourceRepo source = source(fullName)) {
            RevCommit base = source.commit("main", "a.txt", "a");
            source.commit("doomed", "b.txt", "b");
            source.lightweightTag("old-tag", base);
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
            assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).containsKeys("refs/heads/doomed", "refs/tags/old-tag");

            source.deleteBranch("doomed");
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 2);

            Map<String, ObjectId> mirrored = SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId));
            Map<String, ObjectId> archived = SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId),
                    "refs/heads/forgesync/archive/");
            mirrored.keySet().removeAll(archived.keySet());
            assertThat(mirrored).isEqualTo(source.refs()).doesNotContainKey("refs/heads/doomed");
            assertThat(archived.keySet()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("refs/heads/forgesync/archive/doomed/"); // vault mode, the default
            assertThat(lastCompleted(id).get("payload").toString()).contains("\"refsDeleted\": 1");
        }
    }

    @Test
    void anExistingOneDevProjectIsReusedNeverDuplicated() {
        String owner = unique("reuse");
        String name = unique("repo");
        String fullName = owner + "/" + name;
        OneDevStandIn.Project github = ONEDEV.projectByPath("github").orElseGet(() -> ONEDEV.createProject("github", null));
        OneDevStandIn.Project ownerProject = ONEDEV.createProject(owner.toUpperCase(), github.id());
        OneDevStandIn.Project existing = ONEDEV.createProject(name, ownerProject.id());
        try (SourceRepo source = source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitStatus(id, "completed");
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 2);

            assertThat(((Number) row(id).get("onedev_project_id")).longValue()).isEqualTo(existing.id());
            List<OneDevStandIn.Project> same = ONEDEV.projects().stream()
                    .filter(p -> p.path().equalsIgnoreCase("github/" + fullName)).toList();
            assertThat(same).hasSize(1);
            assertThat(eventTypes(id)).doesNotContain("onedev_repo_created");
            assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(existing.id()))).isEqualTo(source.refs());
        }
    }

    @Test
    void renamedRepositoryKeepsItsOneDevProject() {
        String owner = unique("octo");
        String before = owner + "/" + unique("old");
        String after = owner + "/" + unique("new");
        Map<String, ObjectId> refs;
        long id;
        long projectId;
        try (SourceRepo source = source(before)) {
            source.commit("main", "a.txt", "a");
            refs = source.refs();
            id = registerRepository(before, 3);
            requestSync(id, before);
            awaitStatus(id, "completed");
            projectId = ((Number) row(id).get("onedev_project_id")).longValue();
        }

        renameOnGitHub(id, before, after);
        requestSync(id, after);
        awaitFinishedSyncs(id, 2);

        assertThat(status(id)).isEqualTo("completed");
        assertThat(((Number) row(id).get("onedev_project_id")).longValue()).isEqualTo(projectId);
        assertThat(row(id).get("onedev_repo_name")).isEqualTo("github/" + after);
        assertThat(ONEDEV.projectByPath("github/" + after)).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(projectId));
        assertThat(ONEDEV.projectByPath("github/" + before)).isEmpty();
        assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).isEqualTo(refs);
        assertThat(eventTypes(id)).containsOnlyOnce("onedev_repo_created");
    }

    @Test
    void transferredRepositoryMovesItsProjectUnderTheNewOwner() {
        String name = unique("moving");
        String before = unique("giver") + "/" + name;
        String after = unique("taker") + "/" + name;
        long id;
        long projectId;
        try (SourceRepo source = source(before)) {
            source.commit("main", "a.txt", "a");
            id = registerRepository(before, 3);
            requestSync(id, before);
            awaitStatus(id, "completed");
            projectId = ((Number) row(id).get("onedev_project_id")).longValue();
        }
        int projectsBefore = ONEDEV.projects().size();

        renameOnGitHub(id, before, after);
        requestSync(id, after);
        awaitFinishedSyncs(id, 2);

        assertThat(status(id)).isEqualTo("completed");
        assertThat(((Number) row(id).get("onedev_project_id")).longValue()).isEqualTo(projectId);
        OneDevStandIn.Project newOwner = ONEDEV.projectByPath("github/" + after.substring(0, after.indexOf('/'))).orElseThrow();
        assertThat(ONEDEV.projectByPath("github/" + after)).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo(projectId);
            assertThat(p.parentId()).isEqualTo(newOwner.id());
        });
        assertThat(ONEDEV.projects()).hasSize(projectsBefore + 1); // the new owner's level, no second repository
    }

    /** What a GitHub rename or transfer does: the repository answers at its new path, and ingest refreshes the row. */
    private void renameOnGitHub(long id, String before, String after) {
        try {
            Path target = GITHUB.root().resolve(after + ".git");
            Files.createDirectories(target.getParent());
            Files.move(GITHUB.root().resolve(before + ".git"), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jdbc.sql("""
                UPDATE repositories SET github_full_name = :fullName, github_owner = :owner, github_repo_name = :name,
                    github_url = :url WHERE id = :id""")
                .param("fullName", after).param("owner", after.substring(0, after.indexOf('/')))
                .param("name", after.substring(after.indexOf('/') + 1)).param("url", "https://github.com/" + after)
                .param("id", id).update();
    }

    private static long bytes(Map<String, Object> logRow) {
        return ((Number) logRow.get("bytes_transferred")).longValue();
    }

    static SourceRepo source(String fullName) {
        Path work = ROOT.resolve("work").resolve(fullName);
        return SourceRepo.create(GITHUB.root(), work, fullName);
    }
}
