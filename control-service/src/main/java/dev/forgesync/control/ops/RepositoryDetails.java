package dev.forgesync.control.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.control.ops.OpsParams.PageRequest;
import dev.forgesync.control.ops.OpsViews.HistoryEntry;
import dev.forgesync.control.ops.OpsViews.Repository;
import dev.forgesync.control.ops.OpsViews.RepositoryDetail;
import dev.forgesync.control.ops.OpsViews.WebhookEntry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "What happened to this repository": its row, its sync history newest first, and its latest webhook events. */
@Component
class RepositoryDetails {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int RECENT_WEBHOOKS = 20;

    private static final String ROW = """
            SELECT id, github_url, github_full_name, github_owner, github_repo_name, github_repo_id,
                   github_default_branch, github_is_private, github_size_kb, onedev_url, onedev_repo_name,
                   onedev_project_id, sync_status, error_message, retry_count, max_retries, created_at, updated_at,
                   last_synced_at, next_retry_at, metadata::text AS metadata, rejected_refs, archived_refs
            FROM repositories WHERE id = :id""";

    private static final int ARCHIVED_SHOWN = 500;

    private static final String HISTORY = """
            SELECT id, event_type, status, error_code, error_message, duration_seconds, bytes_transferred,
                   payload::text AS payload, created_at
            FROM sync_logs WHERE repository_id = :repositoryId""";

    private static final String WEBHOOKS = """
            SELECT id, event_type, delivery_id, processed, processing_error, received_at, processed_at
            FROM webhook_events WHERE repository_id = :id
            ORDER BY received_at DESC, id DESC
            LIMIT :limit""";

    private final JdbcClient jdbc;
    private final RefHistory refs;

    RepositoryDetails(JdbcClient jdbc, RefHistory refs) {
        this.jdbc = jdbc;
        this.refs = refs;
    }

    Optional<RepositoryDetail> find(long id, PageRequest historyPage) {
        Optional<Repository> row = jdbc.sql(ROW).param("id", id).query(RepositoryDetails::repository).optional();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Page<HistoryEntry> history = new PagedQuery().bind("repositoryId", id)
                .run(jdbc, HISTORY, "created_at DESC, id DESC", RepositoryDetails::history, historyPage);
        List<WebhookEntry> webhooks = jdbc.sql(WEBHOOKS).param("id", id).param("limit", RECENT_WEBHOOKS)
                .query(OpsQueries.mapper(WebhookEntry.class)).list();
        return Optional.of(new RepositoryDetail(row.get(), history, webhooks, refs.rejected(id),
                refs.archived(id, ARCHIVED_SHOWN)));
    }

    private static Repository repository(ResultSet rs, int n) throws SQLException {
        return new Repository(rs.getLong("id"), rs.getString("github_url"), rs.getString("github_full_name"),
                rs.getString("github_owner"), rs.getString("github_repo_name"), nullableLong(rs, "github_repo_id"),
                rs.getString("github_default_branch"), nullableBoolean(rs, "github_is_private"),
                nullableInt(rs, "github_size_kb"), rs.getString("onedev_url"), rs.getString("onedev_repo_name"),
                nullableInt(rs, "onedev_project_id"), rs.getString("sync_status"), rs.getString("error_message"),
                nullableInt(rs, "retry_count"), nullableInt(rs, "max_retries"), OpsQueries.time(rs, "created_at"),
                OpsQueries.time(rs, "updated_at"), OpsQueries.time(rs, "last_synced_at"),
                OpsQueries.time(rs, "next_retry_at"), json(rs.getString("metadata")), rs.getInt("rejected_refs"),
                rs.getInt("archived_refs"));
    }

    private static HistoryEntry history(ResultSet rs, int n) throws SQLException {
        double duration = rs.getDouble("duration_seconds");
        Double durationSeconds = rs.wasNull() ? null : duration;
        return new HistoryEntry(rs.getLong("id"), rs.getString("event_type"), rs.getString("status"),
                rs.getString("error_code"), rs.getString("error_message"), durationSeconds,
                nullableLong(rs, "bytes_transferred"), json(rs.getString("payload")), OpsQueries.time(rs, "created_at"));
    }

    private static JsonNode json(String text) {
        return text == null ? null : JSON.readTree(text);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }
}
