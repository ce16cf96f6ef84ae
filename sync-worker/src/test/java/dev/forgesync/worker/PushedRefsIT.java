package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;

import dev.forgesync.schema.RefsDigest;

/** A completed sync records the digest of the source's branch and tag tips it pushed (control-service's freshness). */
class PushedRefsIT extends WorkerITSupport {

    @Test
    void aCompletedSyncRecordsTheDigestOfTheTipsItPushedAndANewSyncReplacesIt() {
        String fullName = unique("octo") + "/" + unique("fresh");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            RevCommit first = source.commit("main", "README.md", "hello");
            source.annotatedTag("v1.0", first);
            long id = registerRepository(fullName, 3);

            requestSync(id, fullName);
            awaitStatus(id, "completed");
            assertThat(pushed(id)).isEqualTo(RefsDigest.of(names(source.refs())));
            assertThat(jdbc.sql("SELECT pushed_ref_count FROM repository_freshness WHERE repository_id = :id")
                    .param("id", id).query(Integer.class).single()).isEqualTo(2);

            String before = pushed(id);
            source.commit("feature", "f.txt", "new branch");
            requestSync(id, fullName);
            awaitCompletedSyncs(id, 2);
            assertThat(pushed(id)).isNotEqualTo(before).isEqualTo(RefsDigest.of(names(source.refs())));
        }
    }

    private void awaitCompletedSyncs(long id, int n) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM sync_logs WHERE repository_id = :id AND event_type = 'sync_completed'")
                .param("id", id).query(Long.class).single() >= n);
    }

    private String pushed(long id) {
        return jdbc.sql("SELECT pushed_refs_digest FROM repository_freshness WHERE repository_id = :id")
                .param("id", id).query(String.class).single();
    }

    private static Map<String, String> names(Map<String, org.eclipse.jgit.lib.ObjectId> refs) {
        Map<String, String> names = new HashMap<>();
        refs.forEach((name, id) -> names.put(name, id.getName()));
        return names;
    }
}
