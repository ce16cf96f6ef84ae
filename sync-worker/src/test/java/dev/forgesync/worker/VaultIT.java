package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.outbox.Rearm;

/**
 * The worker in vault mode (the default), end to end through Kafka, PostgreSQL, the GitHub stand-in and the OneDev
 * stand-in: what a force-push, a deleted source and a refused ref leave in OneDev, in {@code sync_logs} and on the
 * row; and a OneDev project that shows what GitHub says of the repository.
 */
class VaultIT extends WorkerITSupport {

    private static final String ARCHIVED_MAIN = "refs/heads/forgesync/archive/main/";

    /** Every tip the vault kept for the repository, from sync_logs: the per-repository query the README shows. */
    private static final String ARCHIVED = """
            SELECT a ->> 'ref' AS ref, a ->> 'archive' AS archive, a ->> 'oldTip' AS old_tip,
                   a ->> 'newTip' AS new_tip, a ->> 'reason' AS reason
            FROM sync_logs, jsonb_array_elements(payload -> 'archived') AS a
            WHERE repository_id = :id AND event_type = 'push_completed' ORDER BY sync_logs.id""";

    @Test
    void aForcePushUpstreamKeepsTheOldTipReachableUnderThePrefixAndRecordsIt() {
        String fullName = unique("octo") + "/" + unique("forced");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            RevCommit old = source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);

            RevCommit rewritten = source.amend("main", "a.txt", "rewritten");
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 2);

            Map<String, ObjectId> archived = SourceRepo.refsOf(mirrorOf(id), ARCHIVED_MAIN);
            assertThat(archived.values()).containsExactly(old.getId());
            assertThat(SourceRepo.refsOf(mirrorOf(id))).containsEntry("refs/heads/main", rewritten.getId());
            List<Map<String, Object>> recorded = archivedOf(id);
            assertThat(recorded).singleElement().satisfies(r -> assertThat(r)
                    .containsEntry("ref", "refs/heads/main").containsEntry("archive", archived.keySet().iterator().next())
                    .containsEntry("old_tip", old.name()).containsEntry("new_tip", rewritten.name())
                    .containsEntry("reason", "force-pushed"));
            assertThat(row(id)).containsEntry("sync_status", "completed").containsEntry("archived_refs", 1)
                    .containsEntry("rejected_refs", 0);
            assertThat(lastCompleted(id).get("payload").toString()).contains("\"refsArchived\": 1");
        }
    }

    @Test
    void threeForcePushesInARowKeepThreeArchivedTips() {
        String fullName = unique("octo") + "/" + unique("thrice");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            List<ObjectId> tips = new java.util.ArrayList<>();
            tips.add(source.commit("main", "a.txt", "a"));
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            for (int i = 1; i <= 3; i++) {
                RevCommit next = source.amend("main", "a.txt", "version " + i);
                requestSync(id, fullName);
                awaitFinishedSyncs(id, i + 1);
                tips.add(next);
            }

            assertThat(SourceRepo.refsOf(mirrorOf(id), ARCHIVED_MAIN).values())
                    .containsExactlyInAnyOrderElementsOf(tips.subList(0, 3));
            assertThat(SourceRepo.refsOf(mirrorOf(id))).containsEntry("refs/heads/main", tips.get(3));
            assertThat(archivedOf(id)).extracting(r -> r.get("old_tip"))
                    .containsExactly(tips.get(0).name(), tips.get(1).name(), tips.get(2).name());
            assertThat(row(id).get("archived_refs")).isEqualTo(3);
        }
    }

    @Test
    void aRepositoryDeletedUpstreamKeepsItsMirrorAndSaysSourceGone() {
        String fullName = unique("octo") + "/" + unique("vanished");
        Map<String, ObjectId> mirrored;
        long id;
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            mirrored = source.refs();
            id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            source.deleteRepository();
        }

        requestSync(id, fullName);
        awaitStatus(id, "permanent_failure");

        assertThat(SourceRepo.refsOf(mirrorOf(id))).isEqualTo(mirrored);
        Map<String, Object> failed = logs(id).stream().filter(r -> "sync_failed".equals(r.get("event_type")))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(failed.get("error_code")).isEqualTo("source_gone");
        assertThat(row(id)).containsEntry("retry_count", 0);
        assertThat((String) row(id).get("error_message")).contains("gone");
    }

    @Test
    void oneDevRefusingOneRefOfFiftyLeavesFortyNineUpdatedAndTheRefusalRecorded() {
        String fullName = unique("octo") + "/" + unique("fifty");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
            String rule = "Commit message of 'refs/heads/b13' does not match the required pattern";
            ONEDEV.protect(projectId, "refs/heads/b13"::equals, rule);
            IntStream.range(1, 50).forEach(i -> source.commit("b" + i, "f" + i + ".txt", "b" + i));

            requestSync(id, fullName);
            awaitFinishedSyncs(id, 2);

            Map<String, ObjectId> expected = new java.util.TreeMap<>(source.refs());
            expected.remove("refs/heads/b13");
            assertThat(SourceRepo.refsOf(mirrorOf(id))).isEqualTo(expected).hasSize(49);
            List<Map<String, Object>> refusals = logs(id).stream()
                    .filter(r -> "ref_rejected".equals(r.get("error_code"))).toList();
            assertThat(refusals).singleElement().satisfies(r -> {
                assertThat(r.get("event_type")).isEqualTo("push_completed");
                assertThat(r.get("status")).isEqualTo("failure");
                assertThat((String) r.get("error_message")).contains(rule);
                assertThat(r.get("payload").toString()).contains("refs/heads/b13");
            });
            assertThat(row(id)).containsEntry("sync_status", "completed").containsEntry("rejected_refs", 1)
                    .containsEntry("retry_count", 0);
            assertThat(jdbc.sql("SELECT id FROM repositories WHERE rejected_refs > 0").query(Long.class).list())
                    .contains(id);
            assertThat(lastCompleted(id).get("payload").toString()).contains("\"partial\": true",
                    "\"refsUpdated\": 48");
        }
    }

    @Test
    void aDefaultBranchChangeUpstreamChangesOneDevsDefaultBranchAndTheProjectSaysWhatItMirrors() {
        String fullName = unique("octo") + "/" + unique("branchy");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            source.commit("develop", "b.txt", "b");
            long id = registerRepository(fullName, 3);
            jdbc.sql("UPDATE repositories SET github_default_branch = 'main', metadata = CAST(:m AS jsonb) WHERE id = :id")
                    .param("m", "{\"description\": \"A tidy repository\"}").param("id", id).update();
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);
            long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
            assertThat(ONEDEV.defaultBranch(projectId)).contains("main");
            assertThat(project(projectId).description())
                    .isEqualTo("Mirror of https://github.com/" + fullName + "\n\nA tidy repository");

            // What ingest stores for a `repository edited` event that changed the default branch and archived it.
            jdbc.sql("""
                    UPDATE repositories SET github_default_branch = 'develop',
                        metadata = CAST(:m AS jsonb) WHERE id = :id""")
                    .param("m", "{\"description\": \"A tidy repository\", \"archived\": true}").param("id", id).update();
            ONEDEV.clearRequests();
            rearmAndPublish(id, SyncRequest.of(id, fullName, "repository", null, Instant.now()));
            awaitFinishedSyncs(id, 2);

            assertThat(ONEDEV.defaultBranch(projectId)).contains("develop");
            assertThat(project(projectId).description()).startsWith("Mirror of https://github.com/" + fullName
                    + " (archived on GitHub");
            assertThat(eventTypes(id).subList(eventTypes(id).lastIndexOf("sync_started"), eventTypes(id).size()))
                    .containsExactly("sync_started", "sync_completed");
            assertThat(ONEDEV.requests()).noneMatch(r -> r.path().contains("git-"));
            assertThat(lastCompleted(id).get("payload").toString()).contains("\"settingsOnly\": true");
        }
    }

    private void rearmAndPublish(long id, SyncRequest request) {
        rearm.rearm(List.of(id), Rearm.FROM_FINAL);
        publish(request, null);
    }

    private static dev.forgesync.testsupport.onedev.OneDevStandIn.Project project(long projectId) {
        return ONEDEV.projects().stream().filter(p -> p.id() == projectId).findFirst().orElseThrow();
    }

    private java.nio.file.Path mirrorOf(long id) {
        return ONEDEV.repositoryDirectory(((Number) row(id).get("onedev_project_id")).longValue());
    }

    private List<Map<String, Object>> archivedOf(long id) {
        return jdbc.sql(ARCHIVED).param("id", id).query().listOfRows();
    }
}
