package dev.forgesync.control.web;

import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Rows for the status page's tests, written straight into the test database. */
final class StatusData {

    private final JdbcClient jdbc;

    StatusData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long repository(String fullName, String status) {
        String owner = fullName.substring(0, fullName.indexOf('/'));
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status,
                                          onedev_url, onedev_repo_name, error_message, last_synced_at)
                VALUES (:url, :name, :owner, :fullName, :status, :onedevUrl, :onedevName, :error,
                        CASE WHEN :status = 'completed' THEN NOW() - INTERVAL '5 minutes' END)
                RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("name", fullName.substring(owner.length() + 1))
                .param("owner", owner).param("fullName", fullName).param("status", status)
                .param("onedevUrl", "https://onedev.example.com/github/" + fullName)
                .param("onedevName", "github/" + fullName)
                .param("error", "permanent_failure".equals(status) ? "GitHub answered 404: repository not found" : null,
                        Types.VARCHAR)
                .query(Long.class).single();
    }

    void step(long repositoryId, String eventType, String status, Double seconds, Long bytes, String errorCode,
            Instant at) {
        jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, duration_seconds, bytes_transferred,
                                       error_code, created_at)
                VALUES (:id, :eventType, :status, :seconds, :bytes, :errorCode, :at)""")
                .param("id", repositoryId).param("eventType", eventType).param("status", status)
                .param("seconds", seconds, Types.DOUBLE).param("bytes", bytes, Types.BIGINT)
                .param("errorCode", errorCode, Types.VARCHAR).param("at", at.atOffset(ZoneOffset.UTC)).update();
    }

    void webhook(Long repositoryId, String fullName, String eventType, boolean processed, Instant at) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, repository_id)
                VALUES (:id, :eventType, :id, CAST(:payload AS jsonb), 'sha256=test', :processed, :at, :repositoryId)""")
                .param("id", id).param("payload", "{\"repository\": {\"full_name\": \"" + fullName + "\"}}").param("eventType", eventType).param("processed", processed)
                .param("at", at.atOffset(ZoneOffset.UTC)).param("repositoryId", repositoryId, Types.INTEGER).update();
    }

    /** A sync_logs row with a payload, as the worker writes it. */
    void logged(long repositoryId, String eventType, String status, String errorCode, String errorMessage,
            String payload) {
        jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, error_code, error_message, payload)
                VALUES (:id, :eventType, :status, :errorCode, :errorMessage, CAST(:payload AS jsonb))""")
                .param("id", repositoryId).param("eventType", eventType).param("status", status)
                .param("errorCode", errorCode, Types.VARCHAR).param("errorMessage", errorMessage, Types.VARCHAR)
                .param("payload", payload).update();
    }

    /** The counters the worker keeps on the row (V7). */
    void refCounts(long repositoryId, int rejected, int archived) {
        jdbc.sql("UPDATE repositories SET rejected_refs = :rejected, archived_refs = :archived WHERE id = :id")
                .param("id", repositoryId).param("rejected", rejected).param("archived", archived).update();
    }

    /** A source as control-service stores it, with a mirror mode and branch globs (null: the global setting). */
    long source(String kind, String name, String mirrorMode, String branchesInclude, String branchesExclude) {
        return jdbc.sql("""
                INSERT INTO sources (kind, name, mirror_mode, branches_include, branches_exclude)
                VALUES (:kind, :name, :mode, CAST(:include AS text[]), CAST(:exclude AS text[])) RETURNING id""")
                .param("kind", kind).param("name", name).param("mode", mirrorMode, Types.VARCHAR)
                .param("include", branchesInclude, Types.VARCHAR).param("exclude", branchesExclude, Types.VARCHAR)
                .query(Long.class).single();
    }

    long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    String status(long repositoryId) {
        return jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", repositoryId)
                .query(String.class).single();
    }
}
