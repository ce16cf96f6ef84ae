package dev.forgesync.worker.claim;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.schema.SyncStatus;

/**
 * The repository's state machine as guarded updates: every transition names the state it leaves, and the number of
 * rows changed is the answer. Two syncs of one repository never run at once because only one claim can succeed.
 */
@Component
public class RepositoryClaims {

    private static final String FIND = """
            SELECT id, github_full_name, github_owner, github_repo_name, github_default_branch, sync_status,
                   COALESCE(retry_count, 0) AS retry_count, COALESCE(max_retries, 3) AS max_retries,
                   COALESCE(metadata -> 'sync_stopped' IS NOT NULL, FALSE) AS stopped,
                   COALESCE(github_is_private, FALSE) AS github_is_private, onedev_project_id
            FROM repositories WHERE id = :id""";

    private static final String CLAIM = """
            UPDATE repositories SET sync_status = 'in_progress'
            WHERE id = :id
              AND (sync_status IN ('pending', 'completed', 'failed')
                   OR (sync_status = 'in_progress' AND updated_at < NOW() - make_interval(secs => :staleSeconds)))""";

    private static final String HEARTBEAT = """
            UPDATE repositories SET updated_at = NOW() WHERE id = :id AND sync_status = 'in_progress'""";

    private static final String COMPLETE = """
            UPDATE repositories
            SET sync_status = 'completed', last_synced_at = NOW(), error_message = NULL,
                retry_count = 0, next_retry_at = NULL
            WHERE id = :id AND sync_status = 'in_progress'""";

    private static final String FAIL_FOR_RETRY = """
            UPDATE repositories
            SET sync_status = 'failed', error_message = :error,
                retry_count = COALESCE(retry_count, 0) + 1,
                next_retry_at = NOW() + make_interval(secs => :delaySeconds)
            WHERE id = :id AND sync_status = 'in_progress'
              AND COALESCE(retry_count, 0) < COALESCE(max_retries, 3)
            RETURNING retry_count""";

    private static final String MARK_PERMANENT = """
            UPDATE repositories
            SET sync_status = 'permanent_failure', error_message = :error, next_retry_at = NULL
            WHERE id = :id AND sync_status = :expected""";

    private static final String STORE_ONEDEV = """
            UPDATE repositories SET onedev_url = :url, onedev_repo_name = :name, onedev_project_id = :projectId
            WHERE id = :id""";

    private static final String LATEST_SUCCESSFUL_START = """
            SELECT MAX(CAST(payload ->> 'startedAt' AS timestamptz)) FROM sync_logs
            WHERE repository_id = :id AND event_type = 'sync_completed' AND payload ->> 'startedAt' IS NOT NULL""";

    private final JdbcClient jdbc;

    public RepositoryClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RepositoryRow> find(long id) {
        return jdbc.sql(FIND).param("id", id).query((rs, n) -> new RepositoryRow(
                rs.getLong("id"),
                rs.getString("github_full_name"),
                rs.getString("github_owner"),
                rs.getString("github_repo_name"),
                rs.getString("github_default_branch"),
                SyncStatus.fromDb(rs.getString("sync_status")),
                rs.getInt("retry_count"),
                rs.getInt("max_retries"),
                rs.getBoolean("stopped"),
                rs.getBoolean("github_is_private"),
                rs.getObject("onedev_project_id") instanceof Number projectId ? projectId.longValue() : null)).optional();
    }

    /** {@code in_progress} from pending, completed, failed, or a stale {@code in_progress}; true if this caller won. */
    public boolean claim(long id, Duration staleAfter) {
        return jdbc.sql(CLAIM).param("id", id).param("staleSeconds", (double) staleAfter.toSeconds()).update() == 1;
    }

    /** Keeps a live claim from looking stale. */
    public void heartbeat(long id) {
        jdbc.sql(HEARTBEAT).param("id", id).update();
    }

    public boolean complete(long id) {
        return jdbc.sql(COMPLETE).param("id", id).update() == 1;
    }

    /** {@code failed} with one more retry, or empty when {@code retry_count} has reached {@code max_retries}. */
    public Optional<Integer> failForRetry(long id, String error, Duration delay) {
        return jdbc.sql(FAIL_FOR_RETRY).param("id", id).param("error", error)
                .param("delaySeconds", delay.toMillis() / 1000.0)
                .query(Integer.class).optional();
    }

    /** {@code permanent_failure} from {@code expected}; true if the row was in that state. */
    public boolean markPermanent(long id, SyncStatus expected, String error) {
        return jdbc.sql(MARK_PERMANENT).param("id", id).param("expected", expected.dbValue())
                .param("error", error).update() == 1;
    }

    public void storeOneDevProject(long id, String url, String name, long projectId) {
        jdbc.sql(STORE_ONEDEV).param("id", id).param("url", url).param("name", name)
                .param("projectId", projectId).update();
    }

    /** When the latest successful sync of the repository started, if any. */
    public Optional<Instant> latestSuccessfulSyncStart(long id) {
        return jdbc.sql(LATEST_SUCCESSFUL_START).param("id", id).query(OffsetDateTime.class).list().stream()
                .filter(java.util.Objects::nonNull).findFirst().map(OffsetDateTime::toInstant);
    }
}
