package dev.forgesync.control.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.control.ops.OpsParams.Cursor;
import dev.forgesync.control.ops.OpsParams.PageRequest;
import dev.forgesync.control.ops.OpsViews.Activity;
import dev.forgesync.control.ops.OpsViews.FailedSync;
import dev.forgesync.control.ops.OpsViews.PendingSync;
import dev.forgesync.control.ops.OpsViews.RepositorySummary;
import dev.forgesync.control.ops.OpsViews.Statistics;
import dev.forgesync.control.ops.OpsViews.StatusCount;
import dev.forgesync.control.ops.OpsViews.UnprocessedWebhook;
import dev.forgesync.schema.SeedQueries;
import dev.forgesync.schema.SyncStatus;

/**
 * The seed's sample queries ({@link SeedQueries}) with the filters and paging an operator needs: where the seed's
 * query can stand as written it is the inner query, and the filters and extra columns are joined around it.
 */
@Component
class OpsQueries {

    private static final String OWNER_FILTER = "(CAST(:owner AS text) IS NULL OR r.github_owner = :owner)";

    private static final String PENDING = """
            SELECT q.id, q.github_full_name, r.github_owner, q.sync_status, q.retry_count, q.created_at,
                   r.updated_at, q.error_message
            FROM (%s) q JOIN repositories r ON r.id = q.id
            WHERE %s
              AND (CAST(:afterAt AS timestamptz) IS NULL OR (q.created_at, q.id) > (:afterAt, :afterId))
            ORDER BY q.created_at ASC, q.id""".formatted(SeedQueries.PENDING_SYNCS, OWNER_FILTER);

    private static final String FAILED_READY = """
            SELECT q.id, q.github_full_name, q.retry_count, r.max_retries, q.next_retry_at, TRUE AS due_now,
                   q.error_message
            FROM (%s) q JOIN repositories r ON r.id = q.id
            WHERE %s
            ORDER BY q.next_retry_at ASC, q.id""".formatted(SeedQueries.FAILED_READY_FOR_RETRY, OWNER_FILTER);

    private static final String FAILED_ALL = """
            SELECT r.id, r.github_full_name, r.retry_count, r.max_retries, r.next_retry_at,
                   r.next_retry_at <= NOW() AS due_now, r.error_message
            FROM repositories r
            WHERE r.sync_status = 'failed' AND %s
            ORDER BY r.next_retry_at ASC NULLS LAST, r.id""".formatted(OWNER_FILTER);

    /** The seed's query without its LIMIT 50: the page replaces it; the filters narrow it. */
    private static final String ACTIVITY = """
            SELECT sl.id, sl.repository_id, r.github_full_name, sl.event_type, sl.status, sl.duration_seconds,
                   sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
            FROM sync_logs sl
            JOIN repositories r ON sl.repository_id = r.id
            WHERE (CAST(:repositoryId AS bigint) IS NULL OR sl.repository_id = :repositoryId)
              AND %s
              AND (CAST(:eventType AS text) IS NULL OR sl.event_type = :eventType)
              AND (CAST(:status AS text) IS NULL OR sl.status = :status)
              AND (CAST(:since AS timestamptz) IS NULL OR sl.created_at >= :since)
              AND (CAST(:until AS timestamptz) IS NULL OR sl.created_at < :until)
              AND (CAST(:afterAt AS timestamptz) IS NULL OR (sl.created_at, sl.id) < (:afterAt, :afterId))
            ORDER BY sl.created_at DESC, sl.id DESC""".formatted(OWNER_FILTER);

    private static final String UNPROCESSED = """
            SELECT q.id, q.event_type, we.delivery_id, q.received_at, q.repo_name, we.repository_id
            FROM (%s) q JOIN webhook_events we ON we.id = q.id
            WHERE (CAST(:eventType AS text) IS NULL OR q.event_type = :eventType)
              AND (CAST(:since AS timestamptz) IS NULL OR q.received_at >= :since)
              AND (CAST(:until AS timestamptz) IS NULL OR q.received_at < :until)
              AND (CAST(:afterAt AS timestamptz) IS NULL OR (q.received_at, q.id) > (:afterAt, :afterId))
            ORDER BY q.received_at ASC, q.id""".formatted(SeedQueries.UNPROCESSED_WEBHOOKS);

    private static final String STATISTICS = "SELECT * FROM (" + SeedQueries.SYNC_STATISTICS + ") q";

    private static final String REPOSITORIES = """
            SELECT r.id, r.github_full_name, r.github_owner, r.sync_status, r.retry_count, r.max_retries,
                   r.last_synced_at, r.next_retry_at, r.updated_at, r.error_message, r.onedev_repo_name,
                   r.rejected_refs, r.archived_refs,
                   COALESCE(f.state, 'unchecked') AS freshness, f.checked_at AS freshness_checked_at
            FROM repositories r
            LEFT JOIN repository_freshness f ON f.repository_id = r.id
            WHERE (CAST(:status AS text) IS NULL OR r.sync_status = :status)
              AND (CAST(:partial AS boolean) IS NULL OR (r.rejected_refs > 0) = :partial)
              AND %s
              AND (CAST(:pattern AS text) IS NULL OR r.github_full_name ILIKE :pattern ESCAPE '\\')
              AND (CAST(:afterId AS bigint) IS NULL OR r.id > :afterId)
            ORDER BY r.id""".formatted(OWNER_FILTER);

    private final JdbcClient jdbc;

    OpsQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page<PendingSync> pending(String owner, Cursor after, PageRequest page) {
        return new PagedQuery().text("owner", owner).after(after)
                .run(jdbc, PENDING, mapper(PendingSync.class), page, p -> Cursor.of(p.createdAt(), p.id()));
    }

    Page<FailedSync> failed(boolean all, String owner, PageRequest page) {
        return new PagedQuery().text("owner", owner)
                .run(jdbc, all ? FAILED_ALL : FAILED_READY, mapper(FailedSync.class), page);
    }

    Statistics statistics() {
        Map<String, StatusCount> found = jdbc.sql(STATISTICS).query(mapper(StatusCount.class)).list().stream()
                .collect(Collectors.toMap(StatusCount::syncStatus, Function.identity()));
        List<StatusCount> all = new ArrayList<>();
        for (SyncStatus status : SyncStatus.values()) {
            all.add(found.getOrDefault(status.dbValue(), new StatusCount(status.dbValue(), 0, null)));
        }
        return new Statistics(all, all.stream().mapToLong(StatusCount::count).sum());
    }

    Page<Activity> activity(Long repositoryId, String owner, String eventType, String status, OffsetDateTime since,
            OffsetDateTime until, Cursor after, PageRequest page) {
        return new PagedQuery().id("repositoryId", repositoryId).text("owner", owner).text("eventType", eventType)
                .text("status", status).time("since", since).time("until", until).after(after)
                .run(jdbc, ACTIVITY, mapper(Activity.class), page, a -> Cursor.of(a.createdAt(), a.id()));
    }

    Page<UnprocessedWebhook> unprocessed(String eventType, OffsetDateTime since, OffsetDateTime until, Cursor after,
            PageRequest page) {
        return new PagedQuery().text("eventType", eventType).time("since", since).time("until", until).after(after)
                .run(jdbc, UNPROCESSED, mapper(UnprocessedWebhook.class), page,
                        w -> Cursor.of(w.receivedAt(), w.id()));
    }

    /** {@code partial}: only repositories whose latest sync had refs refused (true), or none refused (false). */
    Page<RepositorySummary> repositories(String status, String owner, String q, Boolean partial, Cursor after,
            PageRequest page) {
        return new PagedQuery().text("status", status).text("owner", owner).text("pattern", containsPattern(q))
                .flag("partial", partial).after(after)
                .run(jdbc, REPOSITORIES, mapper(RepositorySummary.class), page, r -> Cursor.of(r.id()));
    }

    private static String containsPattern(String q) {
        if (q == null) {
            return null;
        }
        return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    static <T> DataClassRowMapper<T> mapper(Class<T> type) {
        return new DataClassRowMapper<>(type);
    }

    static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }
}
