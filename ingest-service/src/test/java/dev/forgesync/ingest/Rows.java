package dev.forgesync.ingest;

import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.testsupport.TestDatabase;

/** What tests read back from the run's database. */
public final class Rows {

    public record WebhookEvent(long id, String eventId, String eventType, String deliveryId, String signature,
            Boolean processed, String processingError, OffsetDateTime receivedAt, OffsetDateTime processedAt,
            Long repositoryId, String repoNameInPayload) {
    }

    public record Repository(long id, String githubUrl, String name, String owner, String fullName, Long githubRepoId,
            String defaultBranch, Boolean isPrivate, Integer sizeKb, String syncStatus, Integer retryCount,
            String metadata) {
    }

    private static final JdbcClient JDBC = JdbcClient.create(TestDatabase.perRun().dataSource());

    private Rows() {
    }

    public static JdbcClient jdbc() {
        return JDBC;
    }

    public static Optional<WebhookEvent> event(String deliveryId) {
        return JDBC.sql("""
                SELECT id, event_id, event_type, delivery_id, signature, processed, processing_error, received_at,
                       processed_at, repository_id, payload->'repository'->>'full_name' AS repo_name_in_payload
                FROM webhook_events WHERE event_id = :id""")
                .param("id", deliveryId).query(WebhookEvent.class).optional();
    }

    public static long eventCount(String deliveryId) {
        return JDBC.sql("SELECT COUNT(*) FROM webhook_events WHERE event_id = :id").param("id", deliveryId)
                .query(Long.class).single();
    }

    public static Optional<Repository> repositoryByGithubId(long githubRepoId) {
        return JDBC.sql(REPOSITORY + " WHERE github_repo_id = :id").param("id", githubRepoId)
                .query(Repository.class).optional();
    }

    public static long repositoryCount(long githubRepoId) {
        return JDBC.sql("SELECT COUNT(*) FROM repositories WHERE github_repo_id = :id").param("id", githubRepoId)
                .query(Long.class).single();
    }

    public static void setStatus(long repositoryId, String status) {
        JDBC.sql("UPDATE repositories SET sync_status = :status, retry_count = 2 WHERE id = :id")
                .param("status", status).param("id", repositoryId).update();
    }

    private static final String REPOSITORY = """
            SELECT id, github_url, github_repo_name AS name, github_owner AS owner, github_full_name AS full_name,
                   github_repo_id, github_default_branch AS default_branch, github_is_private AS is_private,
                   github_size_kb AS size_kb, sync_status, retry_count, metadata::text AS metadata
            FROM repositories""";
}
