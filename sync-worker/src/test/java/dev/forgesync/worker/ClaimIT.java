package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.unit.DataSize;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.worker.claim.Claim;
import dev.forgesync.worker.claim.ClaimAttempt;
import dev.forgesync.worker.claim.ClaimKeeper;
import dev.forgesync.worker.claim.ClaimLost;
import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.destination.Destinations;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.sync.ClaimGuard;

/**
 * A sync holds its repository through a claim that names it: heartbeats keep a live claim (also during a long
 * transfer), a claim without heartbeats for a TTL may be taken over, and a holder that lost its claim writes nothing
 * to the row and moves no ref. A repository that cannot be claimed yet does not hold the consumer.
 */
class ClaimIT extends WorkerITSupport {

    @Autowired
    RepositoryClaims claims;

    @Autowired
    ClaimKeeper keeper;

    @Autowired
    Destinations destinations;

    @Autowired
    GithubProperties github;

    @Test
    void staleWorkerNeverMovesARefBack() {
        String fullName = unique("octo") + "/" + unique("stale");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "older");
            long id = registerRepository(fullName, 3);
            // Worker A claims the repository and fetches the older state into its own cache, then stalls: a frozen
            // process sends no heartbeats.
            Claim a = won(claims.claim(id, CLAIM_TTL));
            GitMirror mirrorOfA = new GitMirror(github, new MirrorProperties(ROOT.resolve("cache-of-a"),
                    DataSize.ofMegabytes(100), true, Duration.ofSeconds(30)));
            try (MirrorSession sessionOfA = mirrorOfA.open(fullName)) {
                sessionOfA.fetch();

                // A newer push; once A's claim is stale, worker B takes it over and syncs the newer state.
                RevCommit newer = source.commit("main", "b.txt", "newer");
                source.commit("feature", "c.txt", "created after A fetched");
                awaitClaimStale(id);
                publish(SyncRequest.of(id, fullName, "push", null, Instant.now()), null);
                awaitStatus(id, "completed");
                Map<String, Object> afterB = row(id);
                long projectId = ((Number) afterB.get("onedev_project_id")).longValue();
                assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).isEqualTo(source.refs());

                // A resumes where it stalled: it pushes its older fetch (mirroring deletions, too) and records its end.
                PushTarget target = destinations.primary().prepare(a.row()).target();
                try (HeldClaim heldByA = keeper.hold(a)) {
                    assertThatThrownBy(() -> sessionOfA.push(target, "main", new ClaimGuard(heldByA)))
                            .isInstanceOf(ClaimLost.class);
                }
                assertThat(claims.heartbeat(a)).isFalse();
                assertThat(claims.storeOneDevProject(a, "http://elsewhere/x", "x", 999)).isFalse();
                assertThat(claims.failForRetry(a, "late failure", Duration.ofSeconds(1))).isEmpty();
                assertThat(claims.markPermanent(a, "late failure")).isFalse();
                assertThat(claims.complete(a)).isFalse();

                assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId)))
                        .containsEntry("refs/heads/main", newer.getId()).isEqualTo(source.refs());
                assertThat(row(id)).isEqualTo(afterB);
            }
        }
    }

    @Test
    void healthyLongTransferKeepsItsClaim() {
        String fullName = unique("octo") + "/" + unique("long");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            // Every GitHub request takes 2 s, so one fetch takes longer than the claim TTL.
            GITHUB.delay(Duration.ofSeconds(2));
            try {
                Instant later = Instant.now().plus(Duration.ofHours(1));
                publish(SyncRequest.of(id, fullName, "push", null, later), 0);
                awaitEvent(id, "clone_started");
                publish(SyncRequest.of(id, fullName, "push", null, later), 3);
                awaitFinishedSyncs(id, 2);
            } finally {
                GITHUB.delay(Duration.ZERO);
            }

            assertThat(maxRunningAtOnce(id)).isEqualTo(1);
            assertThat(eventTypes(id)).doesNotContain("sync_failed");
            assertThat(((Number) row(id).get("claim_fence")).longValue()).isEqualTo(2);
            assertThat(status(id)).isEqualTo("completed");
        }
    }

    @Test
    void aBusyRepositoryDoesNotHoldItsConsumer() {
        String busyName = unique("octo") + "/" + unique("busy");
        String otherName = unique("octo") + "/" + unique("behind");
        try (SourceRepo busySource = MirrorIT.source(busyName); SourceRepo other = MirrorIT.source(otherName)) {
            busySource.commit("main", "a.txt", "a");
            other.commit("main", "a.txt", "a");
            long busy = registerRepository(busyName, 3);
            long behind = registerRepository(otherName, 3);
            // Another sync holds the first repository, alive (with heartbeats) for as long as this test wants.
            Claim holder = won(claims.claim(busy, CLAIM_TTL));
            try (HeldClaim held = keeper.hold(holder)) {
                Instant later = Instant.now().plus(Duration.ofHours(1));
                publish(SyncRequest.of(busy, busyName, "push", null, later), 1);
                publish(SyncRequest.of(behind, otherName, "push", null, later), 1);

                // The record queued behind the busy one on the same partition is synced while the claim is held.
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> "completed".equals(status(behind)));
                assertThat(held.isHeld()).isTrue();
                assertThat(status(busy)).isEqualTo("in_progress");
                assertThat(eventTypes(busy)).isEmpty();
                assertThat(claims.complete(holder)).isTrue();
            }
            // The busy request came back after the holder finished, and syncs (it was newer than that sync).
            awaitFinishedSyncs(busy, 1);
            awaitStatus(busy, "completed");
            assertThat(row(busy).get("retry_count")).isEqualTo(0);
        }
    }

    @Test
    void aDuplicateRequestForAFailedRepositoryWaitsForItsRetry() {
        String fullName = unique("octo") + "/" + unique("backoff");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            jdbc.sql("""
                    UPDATE repositories SET sync_status = 'failed', retry_count = 2, error_message = 'OneDev said 503',
                           next_retry_at = NOW() + INTERVAL '1 hour' WHERE id = :id""").param("id", id).update();
            ONEDEV.failApiWith(503);
            try {
                // A duplicate of an earlier request (a relay re-send, a replay): not the row's scheduled retry.
                publish(SyncRequest.of(id, fullName, "push", null, Instant.now()), null);
                awaitDeadLetters(Long.toString(id));
            } finally {
                ONEDEV.failApiWith(0);
            }

            Map<String, Object> row = row(id);
            assertThat(row.get("sync_status")).isEqualTo("failed");
            assertThat(row.get("retry_count")).isEqualTo(2);
            assertThat(row.get("error_message")).isEqualTo("OneDev said 503");
            assertThat(logs(id)).isEmpty();
        }
    }

    @Test
    void theSkipRuleComparesTheRequestWithTheDatabasesStartOfTheLatestSync() {
        String fullName = unique("octo") + "/" + unique("clock");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitStatus(id, "completed");
            Instant started = ((Timestamp) row(id).get("last_sync_started_at")).toInstant();
            assertThat(row(id).get("claimed_at")).isEqualTo(row(id).get("last_sync_started_at"));
            // The audit trail is not state: a payload claiming a much later start changes nothing.
            jdbc.sql("""
                    INSERT INTO sync_logs (repository_id, event_type, status, payload)
                    VALUES (:id, 'sync_completed', 'success', jsonb_build_object('startedAt', NOW() + INTERVAL '1 day'))""")
                    .param("id", id).update();

            publish(SyncRequest.of(id, fullName, "push", null, started.minusMillis(1)), null);
            await().atMost(Duration.ofSeconds(30)).until(() -> logs(id).stream()
                    .anyMatch(l -> String.valueOf(l.get("payload")).contains("already satisfied by the sync started at")));
            publish(SyncRequest.of(id, fullName, "push", null, started.plusMillis(1)), null);
            awaitFinishedSyncs(id, 3);

            assertThat(eventTypes(id).stream().filter("sync_started"::equals)).hasSize(2);
            assertThat(status(id)).isEqualTo("completed");
        }
    }

    private static Claim won(ClaimAttempt attempt) {
        assertThat(attempt).isInstanceOf(ClaimAttempt.Won.class);
        return ((ClaimAttempt.Won) attempt).claim();
    }

    private void awaitClaimStale(long id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.sql("""
                SELECT updated_at < NOW() - make_interval(secs => :ttl) FROM repositories WHERE id = :id""")
                .param("id", id).param("ttl", (double) CLAIM_TTL.toSeconds()).query(Boolean.class).single());
    }

    private void awaitEvent(long id, String eventType) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> eventTypes(id).contains(eventType));
    }

    private int maxRunningAtOnce(long id) {
        int running = 0;
        int max = 0;
        List<Map<String, Object>> lines = logs(id);
        for (Map<String, Object> line : lines) {
            String type = (String) line.get("event_type");
            boolean skip = String.valueOf(line.get("payload")).contains("skipped");
            if (type.equals("sync_started")) {
                running++;
            } else if (type.equals("sync_failed") || (type.equals("sync_completed") && !skip)) {
                running--;
            }
            max = Math.max(max, running);
        }
        return max;
    }
}
