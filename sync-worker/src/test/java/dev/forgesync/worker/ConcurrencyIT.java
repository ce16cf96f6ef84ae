package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgesync.requests.SyncRequest;

/** Two requests for one repository on different partitions (so on different consumers) never sync at once. */
class ConcurrencyIT extends WorkerITSupport {

    @Test
    void twoRequestsForOneRepositoryNeverOverlap() {
        String fullName = unique("octo") + "/" + unique("busy");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            GITHUB.delay(Duration.ofMillis(300));
            try {
                // Both requests claim to be newer than any sync that could start now, so neither satisfies the
                // other: both must sync, and the claim makes the second wait for the first.
                Instant later = Instant.now().plus(Duration.ofHours(1));
                publish(SyncRequest.of(id, fullName, "push", null, later), 0);
                publish(SyncRequest.of(id, fullName, "push", null, later), 3);
                awaitFinishedSyncs(id, 2);
            } finally {
                GITHUB.delay(Duration.ZERO);
            }

            int running = 0;
            int maxRunning = 0;
            for (Map<String, Object> log : logs(id)) {
                String type = (String) log.get("event_type");
                if (type.equals("sync_started")) {
                    running++;
                } else if (type.equals("sync_failed") || (type.equals("sync_completed") && !isSkip(log))) {
                    running--;
                }
                maxRunning = Math.max(maxRunning, running);
            }
            assertThat(maxRunning).isEqualTo(1);
            List<String> types = eventTypes(id);
            assertThat(types.stream().filter("sync_started"::equals)).hasSize(2);
            assertThat(types).doesNotContain("sync_failed");
            assertThat(status(id)).isEqualTo("completed");
        }
    }

    @Test
    void aRequestMadeBeforeTheLatestSyncStartedIsSkippedAndSaysSo() {
        String fullName = unique("octo") + "/" + unique("skip");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            SyncRequest old = SyncRequest.of(id, fullName, "push", null, Instant.now());
            requestSync(id, fullName);
            awaitFinishedSyncs(id, 1);

            publish(old, null);
            awaitLogCount(id, 8);
            Map<String, Object> last = logs(id).get(logs(id).size() - 1);
            assertThat(last.get("event_type")).isEqualTo("sync_completed");
            assertThat(last.get("payload").toString()).contains("already satisfied by the sync started at");
        }
    }

    @Test
    void aStaleInProgressClaimWhoseHolderDiedIsTakenOver() {
        String fullName = unique("octo") + "/" + unique("orphan");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            // As a worker killed mid-sync leaves it: in_progress, last touched longer ago than the sync time limit.
            long id = jdbc.sql("""
                    INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name,
                                              sync_status, updated_at)
                    VALUES (:url, :name, :owner, :fullName, 'in_progress', NOW() - INTERVAL '5 minutes')
                    RETURNING id""")
                    .param("url", "https://github.com/" + fullName).param("name", fullName.split("/")[1])
                    .param("owner", fullName.split("/")[0]).param("fullName", fullName)
                    .query(Long.class).single();
            publish(SyncRequest.of(id, fullName, "push", null, Instant.now()), null);

            awaitStatus(id, "completed");
            assertThat(eventTypes(id)).startsWith("sync_started").endsWith("sync_completed");
        }
    }

    private void awaitLogCount(long id, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> logs(id).size() >= count);
    }

    private static boolean isSkip(Map<String, Object> log) {
        return log.get("payload") != null && log.get("payload").toString().contains("skipped");
    }
}
