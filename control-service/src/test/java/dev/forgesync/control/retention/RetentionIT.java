package dev.forgesync.control.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The seed's retention rules on a real PostgreSQL database of its own, with back-dated rows. */
class RetentionIT {

    private static final TestDatabase DB = migrated();
    private static final DataSource DATA_SOURCE = DB.dataSource();

    private final JdbcClient jdbc = JdbcClient.create(DATA_SOURCE);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void cleanSlate() {
        DB.truncateAll();
    }

    @Test
    void deletesSyncLogsAfter90DaysAndProcessedWebhookEventsAfter30DaysButNeverUnprocessedOnes() {
        long repo = repository("acme/logs", "completed", daysAgo(1));
        long oldLog = log(repo, daysAgo(91));
        long keptLog = log(repo, daysAgo(89));
        long oldEvent = event(true, repo, daysAgo(31));
        long keptEvent = event(true, repo, daysAgo(29));
        long unprocessed = event(false, repo, daysAgo(400));

        RetentionReport report = job(defaults()).run();

        assertThat(report).isEqualTo(new RetentionReport(true, 1, 1, 0));
        assertThat(ids("sync_logs")).containsExactly(keptLog).doesNotContain(oldLog);
        assertThat(ids("webhook_events")).containsExactly(keptEvent, unprocessed).doesNotContain(oldEvent);
        assertThat(meters.counter("forgesync.retention.deleted", "table", "sync_logs").count()).isEqualTo(1);
        assertThat(meters.counter("forgesync.retention.deleted", "table", "webhook_events").count()).isEqualTo(1);
        assertThat(meters.counter("forgesync.retention.runs", "outcome", "completed").count()).isEqualTo(1);
    }

    @Test
    void archivesCompletedRepositoriesNotSyncedForAYearWithEveryColumn() {
        long stale = repository("acme/stale", "completed", daysAgo(400));
        long recent = repository("acme/recent", "completed", daysAgo(300));
        long failedLongAgo = repository("acme/failed", "failed", daysAgo(400));
        long neverSynced = repository("acme/never", "completed", null);
        log(stale, daysAgo(1));
        long eventOfStale = event(true, stale, daysAgo(1));
        Map<String, Object> before = jdbc.sql("SELECT * FROM repositories WHERE id = :id").param("id", stale)
                .query().singleRow();

        RetentionReport report = job(defaults()).run();

        assertThat(report.repositoriesArchived()).isEqualTo(1);
        assertThat(ids("repositories")).containsExactly(recent, failedLongAgo, neverSynced);
        Map<String, Object> archived = jdbc.sql("SELECT * FROM repositories_archive WHERE id = :id")
                .param("id", stale).query().singleRow();
        assertThat(archived.get("archived_at")).isNotNull();
        archived.remove("archived_at");
        assertThat(archived).usingRecursiveComparison().isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_logs WHERE repository_id = :id").param("id", stale)
                .query(Long.class).single()).as("sync_logs cascade").isZero();
        assertThat(jdbc.sql("SELECT repository_id FROM webhook_events WHERE id = :id").param("id", eventOfStale)
                .query().singleRow().get("repository_id")).as("webhook_events keep their row").isNull();
        assertThat(meters.counter("forgesync.retention.archived", "table", "repositories").count()).isEqualTo(1);
    }

    @Test
    void batchesSmallerThanTheRowsStillRemoveEverythingDue() {
        long repo = repository("acme/busy", "completed", daysAgo(1));
        for (int i = 0; i < 10; i++) {
            log(repo, daysAgo(100));
            event(true, repo, daysAgo(40));
        }
        for (int i = 0; i < 7; i++) {
            repository("acme/old-" + i, "completed", daysAgo(500));
        }

        RetentionReport report = job(withBatchSize(3)).run();

        assertThat(report).isEqualTo(new RetentionReport(true, 10, 10, 7));
        assertThat(ids("sync_logs")).isEmpty();
        assertThat(ids("webhook_events")).isEmpty();
        assertThat(ids("repositories")).containsExactly(repo);
        assertThat(ids("repositories_archive")).hasSize(7);
    }

    @Test
    void aRunWhileAnotherInstanceHoldsTheLockIsANoOpAndTheLockIsReleasedAfterARun() throws SQLException {
        long repo = repository("acme/locked", "completed", daysAgo(1));
        long oldLog = log(repo, daysAgo(100));
        try (Connection otherInstance = DB.connect()) {
            assertThat(advisory(otherInstance, "pg_try_advisory_lock")).isTrue();

            RetentionReport skipped = job(defaults()).run();

            assertThat(skipped.ran()).isFalse();
            assertThat(ids("sync_logs")).containsExactly(oldLog);
            assertThat(meters.counter("forgesync.retention.runs", "outcome", "skipped").count()).isEqualTo(1);
            assertThat(advisory(otherInstance, "pg_advisory_unlock")).isTrue();
        }

        assertThat(job(defaults()).run().syncLogsDeleted()).isEqualTo(1);
        try (Connection next = DB.connect()) {
            assertThat(advisory(next, "pg_try_advisory_lock")).as("released after the run").isTrue();
            advisory(next, "pg_advisory_unlock");
        }
    }

    @Test
    void periodsAreConfigurable() {
        long repo = repository("acme/short", "completed", daysAgo(3));
        log(repo, daysAgo(2));
        event(true, repo, daysAgo(2));
        var shortPeriods = new RetentionProperties(true, "-", Duration.ofDays(1), Duration.ofDays(1),
                Duration.ofDays(2), 1000, 1000);

        assertThat(job(shortPeriods).run()).isEqualTo(new RetentionReport(true, 1, 1, 1));
    }

    private RetentionJob job(RetentionProperties properties) {
        return new RetentionJob(DATA_SOURCE, jdbc, new TransactionTemplate(new DataSourceTransactionManager(DATA_SOURCE)),
                properties, meters, Clock.systemUTC());
    }

    private static RetentionProperties defaults() {
        return withBatchSize(1000);
    }

    private static RetentionProperties withBatchSize(int batchSize) {
        return new RetentionProperties(true, "0 17 3 * * *", Duration.ofDays(90), Duration.ofDays(30),
                Duration.ofDays(365), batchSize, 1000);
    }

    private static Instant daysAgo(long days) {
        return Instant.now().minus(days, ChronoUnit.DAYS);
    }

    private long repository(String fullName, String status, Instant lastSyncedAt) {
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status,
                                          last_synced_at, onedev_project_id, metadata, created_at)
                VALUES (:url, :name, 'acme', :fullName, :status, :lastSyncedAt, 7, '{"stars": 3}', NOW() - INTERVAL '3 years')
                RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("name", fullName.substring(5))
                .param("fullName", fullName).param("status", status)
                .param("lastSyncedAt", lastSyncedAt == null ? null : lastSyncedAt.atOffset(ZoneOffset.UTC),
                        Types.TIMESTAMP_WITH_TIMEZONE)
                .query(Long.class).single();
    }

    private long log(long repositoryId, Instant createdAt) {
        return jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, created_at)
                VALUES (:id, 'sync_completed', 'success', :at) RETURNING id""")
                .param("id", repositoryId).param("at", createdAt.atOffset(ZoneOffset.UTC)).query(Long.class).single();
    }

    private long event(boolean processed, long repositoryId, Instant receivedAt) {
        return jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, repository_id)
                VALUES (gen_random_uuid()::text, 'push', 'd', '{}', 'sha256=x', :processed, :at, :repositoryId)
                RETURNING id""")
                .param("processed", processed).param("at", receivedAt.atOffset(ZoneOffset.UTC))
                .param("repositoryId", repositoryId).query(Long.class).single();
    }

    private List<Long> ids(String table) {
        return jdbc.sql("SELECT id FROM " + table + " ORDER BY id").query(Long.class).list();
    }

    private static boolean advisory(Connection connection, String function) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + function + "(" + RetentionJob.LOCK_KEY + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("retention");
        db.migrate();
        return db;
    }
}
