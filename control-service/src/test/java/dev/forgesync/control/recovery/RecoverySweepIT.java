package dev.forgesync.control.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Nothing stays stranded: a repository whose request was lost (pending with no request left, in progress with a dead
 * claim, failed with its retry long overdue) is requested again through the outbox, once per threshold; a live one
 * is left alone.
 */
class RecoverySweepIT {

    /** Its own database: the sweep must see only this test's repositories. */
    private static final TestDatabase DB = migrated();

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final String owner = "stranded" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aRepositoryWhoseRequestWasLostIsRequestedAgainAndALiveOneIsNot() {
        long lostPending = repository("lost-pending", "pending", "1 hour", null);
        long deadClaim = repository("dead-claim", "in_progress", "1 hour", null);
        long overdueRetry = repository("overdue-retry", "failed", "1 hour", "1 hour");
        long freshPending = repository("fresh-pending", "pending", "0 seconds", null);
        long livePending = repository("queued-pending", "pending", "1 hour", null);
        unprocessedRequest(livePending);
        long liveClaim = repository("live-claim", "in_progress", "0 seconds", null);
        long stopped = repository("stopped", "pending", "1 hour", null);
        jdbc.sql("UPDATE repositories SET metadata = '{\"sync_stopped\": \"repository deleted on GitHub\"}', "
                + "updated_at = NOW() - INTERVAL '1 hour' WHERE id = :id").param("id", stopped).update();
        Map<String, Object> overrides = new HashMap<>(DB.springProperties());
        overrides.put("forgesync.relay.enabled", "false");
        overrides.put("forgesync.recovery.interval", "200ms");
        overrides.put("forgesync.recovery.pending-after", "10m");
        overrides.put("forgesync.recovery.in-progress-after", "10m");
        overrides.put("forgesync.recovery.failed-overdue", "10m");

        try (ConfigurableApplicationContext context = ControlContexts.start(overrides)) {
            for (long id : List.of(lostPending, deadClaim, overdueRetry)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> recoveryPublished(id));
            }
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> recoveryRows(lostPending) == 1 && recoveryRows(deadClaim) == 1
                            && recoveryRows(overdueRetry) == 1);
            assertThat(context.getBean(MeterRegistry.class).get("forgesync.recovery.requests")
                    .tag("status", "in_progress").counter().count()).isEqualTo(1);
        }

        assertThat(status(lostPending)).isEqualTo("pending");
        assertThat(status(deadClaim)).as("its dead claim released").isEqualTo("pending");
        assertThat(status(overdueRetry)).isEqualTo("failed");
        assertThat(jdbc.sql("SELECT next_retry_at > NOW() - INTERVAL '1 minute' FROM repositories WHERE id = :id")
                .param("id", overdueRetry).query(Boolean.class).single()).as("due now").isTrue();
        assertThat(jdbc.sql("SELECT updated_at > NOW() - INTERVAL '1 minute' FROM repositories WHERE id = :id")
                .param("id", lostPending).query(Boolean.class).single()).as("touched").isTrue();
        for (long live : List.of(freshPending, livePending, liveClaim, stopped)) {
            assertThat(recoveryRows(live)).as("repository %d", live).isZero();
        }
        assertThat(status(liveClaim)).isEqualTo("in_progress");
    }

    private long repository(String name, String status, String updatedAgo, String retryOverdue) {
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status,
                                          updated_at, next_retry_at)
                VALUES (:url, :name, :owner, :fullName, :status, NOW() - CAST(:updatedAgo AS interval),
                        NOW() - CAST(:retryOverdue AS interval))
                RETURNING id""")
                .param("url", "https://github.com/" + owner + "/" + name).param("name", name).param("owner", owner)
                .param("fullName", owner + "/" + name).param("status", status).param("updatedAgo", updatedAgo)
                .param("retryOverdue", retryOverdue)
                .query(Long.class).single();
    }

    private void unprocessedRequest(long repositoryId) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            repository_id)
                VALUES (:id, 'push', :id, '{}'::jsonb, 'sha256=00', FALSE, :repositoryId)""")
                .param("id", id).param("repositoryId", repositoryId).update();
    }

    private boolean recoveryPublished(long repositoryId) {
        return SyncRequestsTopic.readAll(TestKafka.bootstrapServers()).stream()
                .anyMatch(p -> p.key().equals(Long.toString(repositoryId)) && p.request().trigger().equals("recovery")
                        && p.request().requestedAt().isAfter(OffsetDateTime.now().minusMinutes(5).toInstant()));
    }

    private long recoveryRows(long repositoryId) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE repository_id = :id AND event_type = 'recovery'")
                .param("id", repositoryId).query(Long.class).single();
    }

    private String status(long repositoryId) {
        return jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", repositoryId)
                .query(String.class).single();
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("recovery-sweep");
        db.migrate();
        return db;
    }
}
