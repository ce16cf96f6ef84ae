package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;

/**
 * Per-source mirror settings (README "Per-source settings"), end to end through Kafka, PostgreSQL and the stand-ins:
 * a repository linked to a source by discovery ({@code source_repositories}) is mirrored with that source's mode
 * and ref globs, whatever triggers its sync (here a push event); a repository no source listed keeps the global
 * settings (vault mode, every branch and tag, deletions mirrored in these tests).
 */
class SourcePolicyIT extends WorkerITSupport {

    @Test
    void aSourceInExactModeDeletesAnUpstreamDeletedBranchWhileTheGlobalVaultKeepsItForAnotherRepository() {
        String exactName = unique("octo") + "/" + unique("exact");
        String vaultName = unique("octo") + "/" + unique("vault");
        try (SourceRepo exactSource = MirrorIT.source(exactName); SourceRepo vaultSource = MirrorIT.source(vaultName)) {
            exactSource.commit("main", "a.txt", "a");
            RevCommit exactFeature = exactSource.commit("feature", "f.txt", "f");
            vaultSource.commit("main", "a.txt", "a");
            RevCommit vaultFeature = vaultSource.commit("feature", "f.txt", "f");
            long exact = registerRepository(exactName, 3);
            long vault = registerRepository(vaultName, 3);
            link(exact, source("exact", null, null));
            syncAndAwait(exact, exactName, 1);
            syncAndAwait(vault, vaultName, 1);
            assertThat(SourceRepo.refsOf(mirrorOf(exact))).containsEntry("refs/heads/feature", exactFeature.getId());

            exactSource.deleteBranch("feature");
            vaultSource.deleteBranch("feature");
            syncAndAwait(exact, exactName, 2);
            syncAndAwait(vault, vaultName, 2);

            assertThat(SourceRepo.refsOf(mirrorOf(exact))).containsOnlyKeys("refs/heads/main");
            assertThat(row(exact)).containsEntry("archived_refs", 0);
            assertThat(SourceRepo.refsOf(mirrorOf(vault), "refs/heads/forgesync/archive/feature/").values())
                    .containsExactly(vaultFeature.getId());
            assertThat(row(vault)).containsEntry("archived_refs", 1);
        }
    }

    @Test
    void aSourcesExcludeGlobKeepsABranchOutOfOneDev() {
        String fullName = unique("octo") + "/" + unique("globbed");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            RevCommit main = source.commit("main", "a.txt", "a");
            source.commit("wip/experiment", "w.txt", "w");
            source.commit("wip/deeper/still", "d.txt", "d");
            long id = registerRepository(fullName, 3);
            link(id, source(null, "{wip/**}", null));

            syncAndAwait(id, fullName, 1);

            assertThat(SourceRepo.refsOf(mirrorOf(id))).containsOnlyKeys("refs/heads/main")
                    .containsEntry("refs/heads/main", main.getId());
            // GitHub's default branch (the source's HEAD, wip/deeper/still) is excluded: OneDev keeps its own.
            assertThat(row(id)).containsEntry("sync_status", "completed").containsEntry("retry_count", 0);
            assertThat(logs(id)).noneMatch(r -> "sync_failed".equals(r.get("event_type")));
            assertThat(ONEDEV.defaultBranch(((Number) row(id).get("onedev_project_id")).longValue())).contains("main");
        }
    }

    @Test
    void aRepositoryInTwoSourcesIsMirroredInVaultModeIfEitherIsAndWithTheRefsOfBoth() {
        String fullName = unique("octo") + "/" + unique("twice");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            RevCommit old = source.commit("main", "a.txt", "a");
            source.commit("release/1", "r.txt", "r");
            source.commit("feature", "f.txt", "f");
            long id = registerRepository(fullName, 3);
            link(id, source("exact", null, "{main}"));
            link(id, source("vault", null, "{release/*}"));
            syncAndAwait(id, fullName, 1);
            assertThat(SourceRepo.refsOf(mirrorOf(id))).containsOnlyKeys("refs/heads/main", "refs/heads/release/1");

            RevCommit rewritten = source.amend("main", "a.txt", "rewritten");
            syncAndAwait(id, fullName, 2);

            Map<String, ObjectId> refs = SourceRepo.refsOf(mirrorOf(id));
            assertThat(refs).containsEntry("refs/heads/main", rewritten.getId()).doesNotContainKey("refs/heads/feature");
            assertThat(SourceRepo.refsOf(mirrorOf(id), "refs/heads/forgesync/archive/main/").values())
                    .containsExactly(old.getId());
        }
    }

    /** A source row as control-service stores it; null columns keep the global setting. */
    private long source(String mode, String branchesExclude, String branchesInclude) {
        return jdbc.sql("""
                INSERT INTO sources (kind, name, mirror_mode, branches_exclude, branches_include)
                VALUES ('org', :name, :mode, CAST(:exclude AS text[]), CAST(:include AS text[])) RETURNING id""")
                .param("name", unique("org")).param("mode", mode, java.sql.Types.VARCHAR)
                .param("exclude", branchesExclude, java.sql.Types.VARCHAR)
                .param("include", branchesInclude, java.sql.Types.VARCHAR)
                .query(Long.class).single();
    }

    /** What a discovery pass writes for a repository the source listed. */
    private void link(long repositoryId, long sourceId) {
        jdbc.sql("INSERT INTO source_repositories (repository_id, source_id) VALUES (:r, :s)")
                .param("r", repositoryId).param("s", sourceId).update();
    }

    private void syncAndAwait(long id, String fullName, int finished) {
        requestSync(id, fullName);
        awaitFinishedSyncs(id, finished);
    }

    private Path mirrorOf(long id) {
        return ONEDEV.repositoryDirectory(((Number) row(id).get("onedev_project_id")).longValue());
    }
}
