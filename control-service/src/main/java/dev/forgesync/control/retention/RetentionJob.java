package dev.forgesync.control.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The seed's cleanup and archive queries, in bounded batches, under a PostgreSQL advisory lock so one instance of
 * the fleet runs at a time. The lock is a session lock taken and released on one dedicated connection (a pooled
 * {@code JdbcClient} call could release it on another connection, which would not release it at all); if the
 * process dies, the connection closes and PostgreSQL releases the lock.
 *
 * <p>Archiving a repository deletes its row: its {@code sync_logs} go with it ({@code ON DELETE CASCADE}) and its
 * {@code webhook_events} keep their rows with {@code repository_id} set to NULL ({@code ON DELETE SET NULL}).
 */
public class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    /** The advisory lock's key: fixed, shared by every ingest-service instance ("fsretent" as ASCII). */
    public static final long LOCK_KEY = 0x6673726574656E74L;

    private static final String DELETE_SYNC_LOGS = """
            DELETE FROM sync_logs WHERE id IN (
                SELECT id FROM sync_logs WHERE created_at < :cutoff ORDER BY id LIMIT :batch)""";

    private static final String DELETE_WEBHOOK_EVENTS = """
            DELETE FROM webhook_events WHERE id IN (
                SELECT id FROM webhook_events WHERE received_at < :cutoff AND processed = TRUE ORDER BY id LIMIT :batch)""";

    private static final String ARCHIVE_CANDIDATES = """
            SELECT id FROM repositories
            WHERE sync_status = 'completed' AND last_synced_at < :cutoff
            ORDER BY id LIMIT :batch
            FOR UPDATE SKIP LOCKED""";

    /** The seed's archive query ({@code repositories_archive} has the same columns, then {@code archived_at}). */
    private static final String ARCHIVE = """
            INSERT INTO repositories_archive
            SELECT * FROM repositories WHERE id IN (:ids)""";

    private static final String DELETE_ARCHIVED = "DELETE FROM repositories WHERE id IN (:ids)";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final RetentionProperties properties;
    private final RetentionMetrics metrics;
    private final Clock clock;

    public RetentionJob(DataSource dataSource, JdbcClient jdbc, TransactionTemplate transaction,
            RetentionProperties properties, MeterRegistry meters, Clock clock) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.properties = properties;
        this.metrics = new RetentionMetrics(meters);
        this.clock = clock;
    }

    /** One run: skipped (and says so) when another instance holds the lock. */
    public RetentionReport run() {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisory(lock, "SELECT pg_try_advisory_lock(?)")) {
                log.info("retention run skipped: another instance holds advisory lock {}", LOCK_KEY);
                metrics.run("skipped");
                return RetentionReport.skipped();
            }
            try {
                RetentionReport report = purge();
                metrics.run("completed");
                return report;
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException | RuntimeException e) {
            metrics.run("failed");
            log.warn("retention run failed, next run at the next schedule: {}", e.toString());
            throw e instanceof RuntimeException r ? r : new IllegalStateException("retention run failed", e);
        }
    }

    private RetentionReport purge() {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        long logs = inBatches(() -> delete(DELETE_SYNC_LOGS, now.minus(properties.syncLogs())));
        metrics.deleted("sync_logs", logs);
        long events = inBatches(() -> delete(DELETE_WEBHOOK_EVENTS, now.minus(properties.webhookEvents())));
        metrics.deleted("webhook_events", events);
        long archived = inBatches(() -> archive(now.minus(properties.archiveAfter())));
        metrics.archived("repositories", archived);
        log.info("retention run: {} sync_logs and {} webhook_events deleted, {} repositories archived",
                logs, events, archived);
        return new RetentionReport(true, logs, events, archived);
    }

    /** Repeats {@code batch} until it removes fewer rows than a batch (or the run's bound is reached). */
    private long inBatches(LongSupplier batch) {
        long total = 0;
        for (int i = 0; i < properties.maxBatches(); i++) {
            long removed = batch.getAsLong();
            total += removed;
            if (removed < properties.batchSize()) {
                return total;
            }
        }
        log.info("retention: stopped after {} batches; the rest waits for the next run", properties.maxBatches());
        return total;
    }

    private long delete(String sql, OffsetDateTime cutoff) {
        return jdbc.sql(sql).param("cutoff", cutoff).param("batch", properties.batchSize()).update();
    }

    /** One transaction: lock a batch of candidates, copy them to the archive, delete them. */
    private long archive(OffsetDateTime cutoff) {
        Integer archived = transaction.execute(status -> {
            List<Long> ids = jdbc.sql(ARCHIVE_CANDIDATES).param("cutoff", cutoff).param("batch", properties.batchSize())
                    .query(Long.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            jdbc.sql(ARCHIVE).param("ids", ids).update();
            return jdbc.sql(DELETE_ARCHIVED).param("ids", ids).update();
        });
        return archived == null ? 0 : archived;
    }

    private static boolean advisory(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, LOCK_KEY);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
