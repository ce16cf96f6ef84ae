package dev.forgesync.control.freshness;

import java.sql.Types;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code repository_freshness} rows control-service keeps (the worker writes {@code pushed_*}). */
@Component
class FreshnessStore {

    /** A repository due for a check, with what it looked like when taken. */
    record Due(long repositoryId, String fullName, String syncStatus, String pushedDigest, FreshnessState state) {
    }

    /** Completed repositories mirrored before freshness existed get a row, their first check spread. */
    private static final String ADOPT = """
            INSERT INTO repository_freshness (repository_id, next_check_at)
            SELECT r.id, NOW() + make_interval(secs => :intervalSeconds * random())
            FROM repositories r
            WHERE r.sync_status = 'completed'
              AND NOT EXISTS (SELECT 1 FROM repository_freshness f WHERE f.repository_id = r.id)
            LIMIT :batch
            ON CONFLICT (repository_id) DO NOTHING""";

    /** Takes due rows (several instances share them: SKIP LOCKED) and sets each one's next check. */
    private static final String TAKE_DUE = """
            WITH due AS (
                SELECT repository_id FROM repository_freshness
                WHERE next_check_at <= NOW()
                ORDER BY next_check_at
                LIMIT :batch
                FOR UPDATE SKIP LOCKED)
            UPDATE repository_freshness f
            SET next_check_at = NOW() + make_interval(secs => :intervalSeconds * (0.9 + random() * 0.2))
            FROM due, repositories r
            WHERE f.repository_id = due.repository_id AND r.id = f.repository_id
            RETURNING f.repository_id, r.github_full_name, r.sync_status, f.pushed_refs_digest, f.state""";

    /** Guarded by the digest seen when taken: a sync that completed meanwhile is judged by the next check. */
    private static final String RECORD = """
            UPDATE repository_freshness
            SET state = :state,
                state_since = CASE WHEN state = :state THEN state_since ELSE NOW() END,
                checked_at = NOW(), source_refs_digest = COALESCE(:sourceDigest, source_refs_digest),
                detail = :detail
            WHERE repository_id = :id AND pushed_refs_digest IS NOT DISTINCT FROM :pushedSeen""";

    private static final String COUNTS = "SELECT state, COUNT(*) AS n FROM repository_freshness GROUP BY state";

    private static final String OLDEST_STALE = """
            SELECT EXTRACT(EPOCH FROM NOW() - MIN(state_since)) FROM repository_freshness WHERE state = 'stale'""";

    private static final String ONE = """
            SELECT state, checked_at, state_since, detail FROM repository_freshness WHERE repository_id = :id""";

    private final JdbcClient jdbc;

    FreshnessStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    int adopt(Duration interval, int batch) {
        return jdbc.sql(ADOPT).param("intervalSeconds", interval.toSeconds()).param("batch", batch).update();
    }

    List<Due> takeDue(Duration interval, int batch) {
        return jdbc.sql(TAKE_DUE).param("intervalSeconds", (double) interval.toMillis() / 1000).param("batch", batch)
                .query((rs, n) -> new Due(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        FreshnessState.parse(rs.getString(5))))
                .list();
    }

    /** Whether the row was written (false: a sync completed since the row was taken). */
    boolean record(Due due, FreshnessState state, String sourceDigest, String detail) {
        return jdbc.sql(RECORD).param("id", due.repositoryId()).param("state", state.dbValue())
                .param("sourceDigest", sourceDigest, Types.VARCHAR).param("detail", detail, Types.VARCHAR)
                .param("pushedSeen", due.pushedDigest(), Types.VARCHAR).update() == 1;
    }

    Map<FreshnessState, Long> counts() {
        Map<FreshnessState, Long> counts = new EnumMap<>(FreshnessState.class);
        for (FreshnessState state : FreshnessState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql(COUNTS).query((rs, n) -> counts.put(FreshnessState.parse(rs.getString(1)), rs.getLong(2))).list();
        return counts;
    }

    /** Seconds since the oldest stale repository became stale (0 when none is). */
    double oldestStaleSeconds() {
        Double seconds = jdbc.sql(OLDEST_STALE).query(Double.class).optional().orElse(null);
        return seconds == null ? 0 : seconds;
    }

    /** One repository's freshness, for the API. */
    Optional<Map<String, Object>> of(long repositoryId) {
        return jdbc.sql(ONE).param("id", repositoryId).query((rs, n) -> {
            Map<String, Object> view = new java.util.LinkedHashMap<>();
            view.put("freshness", rs.getString("state"));
            view.put("freshnessCheckedAt", rs.getTimestamp("checked_at") == null ? null
                    : rs.getTimestamp("checked_at").toInstant());
            view.put("freshnessSince", rs.getTimestamp("state_since").toInstant());
            view.put("freshnessDetail", rs.getString("detail"));
            return view;
        }).optional();
    }
}
