package dev.forgesync.control.alerts;

import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Which repositories' condition differs from the one last alerted, and the guarded claim of an alert. */
@Component
class AlertStore {

    /** A repository whose condition changed since its last alert ({@code previous} null: never alerted). */
    record Change(long repositoryId, String fullName, String condition, String previous, String detail) {
    }

    private static final String CONDITION = """
            CASE WHEN f.state = 'source_gone' THEN 'source_gone'
                 WHEN f.state = 'auth_broken' THEN 'auth_broken'
                 WHEN r.sync_status = 'permanent_failure' THEN 'permanent_failure'
                 WHEN f.state = 'stale' AND f.state_since < NOW() - make_interval(secs => :staleAfterSeconds)
                      THEN 'stale'
                 ELSE 'ok' END""";

    private static final String CHANGES = """
            SELECT id, github_full_name, condition, alerted_state, detail FROM (
                SELECT r.id, r.github_full_name, f.alerted_state, f.detail, %s AS condition
                FROM repositories r LEFT JOIN repository_freshness f ON f.repository_id = r.id
                WHERE r.sync_status = 'permanent_failure' OR f.state IN ('source_gone', 'auth_broken', 'stale')
                   OR (f.alerted_state IS NOT NULL AND f.alerted_state <> 'ok')) c
            WHERE condition <> COALESCE(alerted_state, 'ok')
            ORDER BY id
            LIMIT :limit""".formatted(CONDITION);

    /** Only the instance whose view of the previous alert still holds wins (deduplication). */
    private static final String CLAIM = """
            INSERT INTO repository_freshness (repository_id, alerted_state, alerted_at)
            VALUES (:id, :condition, NOW())
            ON CONFLICT (repository_id) DO UPDATE SET alerted_state = EXCLUDED.alerted_state, alerted_at = NOW()
            WHERE repository_freshness.alerted_state IS NOT DISTINCT FROM :previous
            RETURNING repository_id""";

    private final JdbcClient jdbc;

    AlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Change> changes(Duration staleAfter, int limit) {
        return jdbc.sql(CHANGES).param("staleAfterSeconds", staleAfter.toSeconds()).param("limit", limit)
                .query((rs, n) -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .list();
    }

    boolean claim(Change change) {
        return !jdbc.sql(CLAIM).param("id", change.repositoryId()).param("condition", change.condition())
                .param("previous", change.previous(), java.sql.Types.VARCHAR).query(Long.class).list().isEmpty();
    }
}
