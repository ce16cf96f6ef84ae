package dev.forgesync.control.ops;

import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Rows written straight into a test database, back-dated where a test needs it. */
final class OpsData {

    private final JdbcClient jdbc;

    OpsData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static Instant daysAgo(long days) {
        return Instant.now().minus(days, ChronoUnit.DAYS);
    }

    long repository(String fullName, String status) {
        return repository(fullName, status, 0, null, null);
    }

    long repository(String fullName, String status, int retryCount, Instant nextRetryAt, Instant lastSyncedAt) {
        String owner = fullName.substring(0, fullName.indexOf('/'));
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status,
                                          retry_count, next_retry_at, last_synced_at, metadata)
                VALUES (:url, :name, :owner, :fullName, :status, :retryCount, :nextRetryAt, :lastSyncedAt,
                        '{"language": "Java"}')
                RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("name", fullName.substring(owner.length() + 1))
                .param("owner", owner).param("fullName", fullName).param("status", status)
                .param("retryCount", retryCount)
                .param("nextRetryAt", nextRetryAt == null ? null : nextRetryAt.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("lastSyncedAt", lastSyncedAt == null ? null : lastSyncedAt.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE)
                .query(Long.class).single();
    }

    void createdAt(long repositoryId, Instant createdAt) {
        jdbc.sql("UPDATE repositories SET created_at = :at WHERE id = :id")
                .param("at", createdAt.atOffset(ZoneOffset.UTC)).param("id", repositoryId).update();
    }

    long log(long repositoryId, String eventType, String status, Instant createdAt) {
        return jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, duration_seconds, payload, created_at)
                VALUES (:id, :eventType, :status, 1.5, '{"branches": 2}', :createdAt) RETURNING id""")
                .param("id", repositoryId).param("eventType", eventType).param("status", status)
                .param("createdAt", createdAt.atOffset(ZoneOffset.UTC)).query(Long.class).single();
    }

    /** A stored delivery; {@code processingError} non-null makes it a final (ignored/stopped) row. */
    long event(String deliveryId, String eventType, boolean processed, String processingError, Long repositoryId,
            String fullName, Instant receivedAt) {
        return jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            processing_error, received_at, processed_at, repository_id)
                VALUES (:id, :eventType, :id, CAST(:payload AS jsonb), 'sha256=test', :processed, :error, :receivedAt,
                        CASE WHEN :processed THEN CAST(:receivedAt AS timestamptz) END, :repositoryId)
                RETURNING id""")
                .param("id", deliveryId).param("eventType", eventType)
                .param("payload", "{\"repository\": {\"full_name\": \"" + fullName + "\"}}")
                .param("processed", processed).param("error", processingError, Types.VARCHAR)
                .param("receivedAt", receivedAt.atOffset(ZoneOffset.UTC))
                .param("repositoryId", repositoryId, Types.INTEGER)
                .query(Long.class).single();
    }

    static String deliveryId() {
        return UUID.randomUUID().toString();
    }
}
