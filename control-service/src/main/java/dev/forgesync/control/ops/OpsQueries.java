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

    private static final String BY_OWNER = "r.github_owner = :owner";

    private static final String PENDING = """
            SELECT q.id, q.github_full_name, r.github_owner, q.sync_status, q.retry_count, q.created_at,
                   r.updated_at, q.error_message
            FROM (%s) q JOIN repositories r ON r.id = q.id
            WHERE TRUE""".formatted(SeedQueries.PENDING_SYNCS);
    private static final String PENDING_ORDER = "q.created_at ASC, q.id";

    private static final String FAILED_READY = """
            SELECT q.id, q.github_full_name, q.retry_count, r.max_retries, q.next_retry_at, TRUE AS due_now,
                   q.error_message
            FROM (%s) q JOIN repositories r ON r.id = q.id
            WHERE TRUE""".formatted(SeedQueries.FAILED_READY_FOR_RETRY);
    private static final String FAILED_READY_ORDER = "q.next_retry_at ASC, q.id";

    private static final String FAILED_ALL = """
            SELECT r.id, r.github_full_name, r.retry_count, r.max_retries, r.next_retry_at,
                   r.next_retry_at <= NOW() AS due_now, r.error_message
            FROM repositories r
            WHERE r.sync_status = 'failed'""";
    private static final String FAILED_ALL_ORDER = "r.next_retry_at ASC NULLS LAST, r.id";

    /** The seed's query without its LIMIT 50: the page replaces it; the filters narrow it. */
    private static final String ACTIVITY = """
            SELECT sl.id, sl.repository_id, r.github_full_name, sl.event_type, sl.status, sl.duration_seconds,
                   sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
            FROM sync_logs sl
            JOIN repositories r ON sl.repository_id = r.id
            WHERE TRUE""";
    private static final String ACTIVITY_ORDER = "sl.created_at DESC, sl.id DESC";

    /**
     * One owner's activity, page by page: the plain form joins the owner's repositories and sorts all their
     * sync_logs rows, reading each from the heap (751 ms p95 at scale, docs/benchmarks.md). This one takes from each
     * repository of the owner only its newest {@code :offsetPlusLimit} matching rows, in the order of
     * idx_sync_logs_repository_created_at (repository_id, created_at DESC, id DESC), with every filter and the cursor
     * inside that per-repository probe (the {@code %s}); then the page's ids from those candidates (no repository
     * holds more of a page than that many); then the full rows of that page only, by primary key. Known limit: one
     * index probe per repository of the owner, so an owner with thousands of repositories pays thousands of probes.
     * The LIMIT 1 on the primary-key read keeps that read a nested loop of at most a page of probes (a subquery
     * without it is pulled up into a join the planner may make a hash join over all of sync_logs).
     */
    static final String OWNER_ACTIVITY_PAGE = """
            SELECT sl.id, sl.repository_id, top.github_full_name, sl.event_type, sl.status, sl.duration_seconds,
                   sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
            FROM (SELECT c.id, c.created_at, r.github_full_name
                  FROM repositories r
                  CROSS JOIN LATERAL (
                      SELECT sl.id, sl.created_at
                      FROM sync_logs sl
                      WHERE sl.repository_id = r.id%s
                      ORDER BY sl.created_at DESC, sl.id DESC
                      LIMIT :offsetPlusLimit) c
                  WHERE %s
                  ORDER BY c.created_at DESC, c.id DESC
                  LIMIT :limit OFFSET :offset) top
            CROSS JOIN LATERAL (
                SELECT sl.id, sl.repository_id, sl.event_type, sl.status, sl.duration_seconds, sl.bytes_transferred,
                       sl.error_code, sl.error_message, sl.created_at
                FROM sync_logs sl
                WHERE sl.id = top.id
                LIMIT 1) sl
            ORDER BY top.created_at DESC, top.id DESC""".formatted("%s", BY_OWNER);

    private static final String UNPROCESSED = """
            SELECT q.id, q.event_type, we.delivery_id, q.received_at, q.repo_name, we.repository_id
            FROM (%s) q JOIN webhook_events we ON we.id = q.id
            WHERE TRUE""".formatted(SeedQueries.UNPROCESSED_WEBHOOKS);
    private static final String UNPROCESSED_ORDER = "q.received_at ASC, q.id";

    private static final String STATISTICS = "SELECT * FROM (" + SeedQueries.SYNC_STATISTICS + ") q";

    private static final String REPOSITORIES = """
            SELECT r.id, r.github_full_name, r.github_owner, r.sync_status, r.retry_count, r.max_retries,
                   r.last_synced_at, r.next_retry_at, r.updated_at, r.error_message, r.onedev_repo_name,
                   r.rejected_refs, r.archived_refs,
                   COALESCE(f.state, 'unchecked') AS freshness, f.checked_at AS freshness_checked_at
            FROM repositories r
            LEFT JOIN repository_freshness f ON f.repository_id = r.id
            WHERE TRUE""";

    private final JdbcClient jdbc;

    OpsQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page<PendingSync> pending(String owner, Cursor after, PageRequest page) {
        return new PagedQuery().text("owner", owner, BY_OWNER)
                .after(after, "(q.created_at, q.id) > (:afterAt, :afterId)")
                .run(jdbc, PENDING, PENDING_ORDER, mapper(PendingSync.class), page,
                        p -> Cursor.of(p.createdAt(), p.id()));
    }

    Page<FailedSync> failed(boolean all, String owner, PageRequest page) {
        return new PagedQuery().text("owner", owner, BY_OWNER).run(jdbc, all ? FAILED_ALL : FAILED_READY,
                all ? FAILED_ALL_ORDER : FAILED_READY_ORDER, mapper(FailedSync.class), page);
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

    /** With {@code owner}: {@link #OWNER_ACTIVITY_PAGE} for the page, the plain count; else {@link #plainActivity}. */
    Page<Activity> activity(Long repositoryId, String owner, String eventType, String status, OffsetDateTime since,
            OffsetDateTime until, Cursor after, PageRequest page) {
        if (owner == null) {
            return plainActivity(repositoryId, null, eventType, status, since, until, after, page);
        }
        return activityFilters(repositoryId, eventType, status, since, until, after).bind("owner", owner)
                .runWithPage(jdbc, ACTIVITY + "\n  AND " + BY_OWNER, OWNER_ACTIVITY_PAGE, mapper(Activity.class),
                        page, OpsQueries::cursor);
    }

    /** The seed's statement with the filters as conditions: the page ordered and limited as a whole. */
    Page<Activity> plainActivity(Long repositoryId, String owner, String eventType, String status,
            OffsetDateTime since, OffsetDateTime until, Cursor after, PageRequest page) {
        return activityFilters(repositoryId, eventType, status, since, until, after).text("owner", owner, BY_OWNER)
                .run(jdbc, ACTIVITY, ACTIVITY_ORDER, mapper(Activity.class), page, OpsQueries::cursor);
    }

    /** Conditions on sync_logs alone ({@code sl}), so they stand in either statement. */
    private static PagedQuery activityFilters(Long repositoryId, String eventType, String status,
            OffsetDateTime since, OffsetDateTime until, Cursor after) {
        return new PagedQuery().id("repositoryId", repositoryId, "sl.repository_id = :repositoryId")
                .text("eventType", eventType, "sl.event_type = :eventType")
                .text("status", status, "sl.status = :status").time("since", since, "sl.created_at >= :since")
                .time("until", until, "sl.created_at < :until")
                .after(after, "(sl.created_at, sl.id) < (:afterAt, :afterId)");
    }

    private static String cursor(Activity activity) {
        return Cursor.of(activity.createdAt(), activity.id());
    }

    Page<UnprocessedWebhook> unprocessed(String eventType, OffsetDateTime since, OffsetDateTime until, Cursor after,
            PageRequest page) {
        return new PagedQuery().text("eventType", eventType, "q.event_type = :eventType")
                .time("since", since, "q.received_at >= :since").time("until", until, "q.received_at < :until")
                .after(after, "(q.received_at, q.id) > (:afterAt, :afterId)")
                .run(jdbc, UNPROCESSED, UNPROCESSED_ORDER, mapper(UnprocessedWebhook.class), page,
                        w -> Cursor.of(w.receivedAt(), w.id()));
    }

    /** {@code partial}: only repositories whose latest sync had refs refused (true), or none refused (false). */
    Page<RepositorySummary> repositories(String status, String owner, String q, Boolean partial, Cursor after,
            PageRequest page) {
        return new PagedQuery().text("status", status, "r.sync_status = :status").text("owner", owner, BY_OWNER)
                .text(NameSearch.PARAMETER, q == null ? null : NameSearch.pattern(q), NameSearch.CONDITION)
                .flag("partial", partial, "(r.rejected_refs > 0) = :partial")
                .after(after, "r.id > :afterId")
                .run(jdbc, REPOSITORIES, "r.id", mapper(RepositorySummary.class), page, r -> Cursor.of(r.id()));
    }

    static <T> DataClassRowMapper<T> mapper(Class<T> type) {
        return new DataClassRowMapper<>(type);
    }

    static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }
}
