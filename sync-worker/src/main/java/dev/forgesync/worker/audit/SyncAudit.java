package dev.forgesync.worker.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/** Writes the audit trail: one {@code sync_logs} row per step, error messages redacted, codes cut to the column. */
@Component
public class SyncAudit {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String INSERT = """
            INSERT INTO sync_logs (repository_id, event_type, status, error_message, error_code,
                                   duration_seconds, bytes_transferred, payload)
            VALUES (:repositoryId, :eventType, :status, :errorMessage, :errorCode,
                    :durationSeconds, :bytes, CAST(:payload AS jsonb))""";

    private final JdbcClient jdbc;
    private final Redactor redactor;

    public SyncAudit(JdbcClient jdbc, Redactor redactor) {
        this.jdbc = jdbc;
        this.redactor = redactor;
    }

    public void record(long repositoryId, LogEntry entry) {
        jdbc.sql(INSERT)
                .param("repositoryId", repositoryId)
                .param("eventType", entry.eventType().dbValue())
                .param("status", entry.status().dbValue())
                .param("errorMessage", redactor.redact(entry.errorMessage()))
                .param("errorCode", cut(entry.errorCode()))
                .param("durationSeconds", entry.duration() == null ? null : entry.duration().toNanos() / 1e9)
                .param("bytes", entry.bytes())
                .param("payload", entry.payload().isEmpty() ? null : JSON.writeValueAsString(entry.payload()))
                .update();
    }

    private static String cut(String code) {
        return code == null || code.length() <= 50 ? code : code.substring(0, 50);
    }
}
