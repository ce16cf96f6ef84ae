package dev.forgesync.control.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.control.ops.NameSearch;
import dev.forgesync.control.web.RepositoryPages.Failure;
import dev.forgesync.control.web.RepositoryPages.Listed;
import dev.forgesync.control.web.RepositoryPages.Repository;
import dev.forgesync.control.web.RepositoryPages.Slice;
import dev.forgesync.control.web.RepositoryPages.Step;
import dev.forgesync.control.web.RepositoryPages.Webhook;

/**
 * The pages' reads of repositories, sync_logs and webhook_events. Lists are keyset-paginated (the cursor is the id
 * of the last row shown; its sort key is read back in the query), so page 2,000 costs what page 1 costs. Filters
 * are added as fixed SQL fragments with bound parameters, so each combination gets a plan of its own.
 */
@Component
class RepositoryQueries {

    private static final String LIST = """
            SELECT r.id, r.github_full_name, r.github_url, r.onedev_url, r.sync_status,
                   COALESCE(r.retry_count, 0) AS retry_count, r.last_synced_at, r.updated_at, r.rejected_refs
            FROM repositories r
            WHERE TRUE""";
    private static final String BY_STATUS = "\n  AND r.sync_status = :status";
    /** Partial: the latest sync had refs refused (idx_repositories_partial). */
    private static final String PARTIAL = "\n  AND r.rejected_refs > 0";
    private static final String BY_NAME = "\n  AND " + NameSearch.CONDITION;
    private static final String AFTER = """

              AND (r.github_full_name, r.id) > (SELECT a.github_full_name, a.id FROM repositories a WHERE a.id = :after)""";
    private static final String LIST_ORDER = "\nORDER BY r.github_full_name, r.id\nLIMIT :limit";

    private static final String ONE = """
            SELECT id, github_full_name, github_url, github_default_branch, github_is_private, onedev_url,
                   onedev_repo_name, sync_status, error_message, COALESCE(retry_count, 0) AS retry_count,
                   COALESCE(max_retries, 0) AS max_retries, created_at, updated_at, last_synced_at, next_retry_at,
                   rejected_refs, archived_refs
            FROM repositories WHERE id = :id""";

    private static final String TIMELINE = """
            SELECT id, event_type, status, duration_seconds, bytes_transferred, error_code, error_message, created_at
            FROM sync_logs
            WHERE repository_id = :id
            ORDER BY created_at DESC, id DESC
            LIMIT :limit""";

    private static final String WEBHOOKS = """
            SELECT id, event_type, delivery_id, processed, processing_error, received_at
            FROM webhook_events
            WHERE repository_id = :id
            ORDER BY received_at DESC, id DESC
            LIMIT 20""";

    private static final String FAILURES = """
            SELECT r.id, r.github_full_name, r.github_url, f.error_code, r.error_message,
                   COALESCE(r.retry_count, 0) AS retry_count, COALESCE(r.max_retries, 0) AS max_retries, r.updated_at
            FROM repositories r
            LEFT JOIN LATERAL (
                SELECT sl.error_code FROM sync_logs sl
                WHERE sl.repository_id = r.id AND sl.event_type = 'sync_failed'
                ORDER BY sl.created_at DESC, sl.id DESC
                LIMIT 1) f ON TRUE
            WHERE r.sync_status = 'permanent_failure'""";
    private static final String BEFORE = """

              AND (r.updated_at, r.id) < (SELECT b.updated_at, b.id FROM repositories b WHERE b.id = :before)""";
    private static final String FAILURES_ORDER = "\nORDER BY r.updated_at DESC, r.id DESC\nLIMIT :limit";

    private final JdbcClient jdbc;

    RepositoryQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Repositories by name; {@code status}, {@code name} (a substring) and {@code after} may be null;
     * {@code partial}: only those whose latest sync had refs refused.
     */
    Slice<Listed> list(String status, String name, boolean partial, Long after, int size) {
        StringBuilder sql = new StringBuilder(LIST);
        List<Object[]> params = new ArrayList<>();
        if (partial) {
            sql.append(PARTIAL);
        }
        if (status != null) {
            sql.append(BY_STATUS);
            params.add(new Object[] {"status", status});
        }
        if (name != null) {
            sql.append(BY_NAME);
            params.add(new Object[] {NameSearch.PARAMETER, NameSearch.pattern(name)});
        }
        if (after != null) {
            sql.append(AFTER);
            params.add(new Object[] {"after", after});
        }
        sql.append(LIST_ORDER);
        var statement = jdbc.sql(sql.toString()).param("limit", size + 1);
        for (Object[] p : params) {
            statement = statement.param((String) p[0], p[1]);
        }
        return Slice.of(statement.query(mapper(Listed.class)).list(), size, Listed::id);
    }

    Optional<Repository> one(long id) {
        return jdbc.sql(ONE).param("id", id).query(mapper(Repository.class)).optional();
    }

    List<Step> timeline(long id, int limit) {
        return jdbc.sql(TIMELINE).param("id", id).param("limit", limit).query(mapper(Step.class)).list();
    }

    List<Webhook> webhooks(long id) {
        return jdbc.sql(WEBHOOKS).param("id", id).query(mapper(Webhook.class)).list();
    }

    /** Permanent failures, newest first, each with the error code of its latest {@code sync_failed}. */
    Slice<Failure> failures(Long before, int size) {
        String sql = FAILURES + (before == null ? "" : BEFORE) + FAILURES_ORDER;
        var statement = jdbc.sql(sql).param("limit", size + 1);
        if (before != null) {
            statement = statement.param("before", before);
        }
        return Slice.of(statement.query(mapper(Failure.class)).list(), size, Failure::id);
    }

    private static <T> DataClassRowMapper<T> mapper(Class<T> type) {
        return new DataClassRowMapper<>(type);
    }
}
