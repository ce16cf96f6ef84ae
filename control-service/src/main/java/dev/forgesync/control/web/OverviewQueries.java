package dev.forgesync.control.web;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.control.web.Overview.Backlog;
import dev.forgesync.control.web.Overview.Durations;
import dev.forgesync.control.web.Overview.ErrorCount;
import dev.forgesync.control.web.Overview.StatusCount;
import dev.forgesync.schema.SyncStatus;

/**
 * The overview's figures. The 24-hour window starts on a whole hour (UTC), 23 hours before the current one, so each
 * chart bar is one clock hour; the sync_logs queries read {@code idx_sync_logs_event_type_created_at} only.
 */
@Component
class OverviewQueries {

    private static final String STATUSES = """
            SELECT sync_status AS status, COUNT(*) AS count FROM repositories GROUP BY sync_status""";

    private static final String WEBHOOKS_PER_HOUR = """
            SELECT date_trunc('hour', received_at AT TIME ZONE 'UTC') AS hour, COUNT(*) AS count
            FROM webhook_events
            WHERE received_at >= :since
            GROUP BY 1""";

    private static final String SYNCS_PER_HOUR = """
            SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour, COUNT(*) AS count
            FROM sync_logs
            WHERE event_type = 'sync_completed' AND created_at >= :since
            GROUP BY 1""";

    private static final String DURATIONS = """
            SELECT COUNT(duration_seconds) AS syncs,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_seconds) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_seconds) AS p95
            FROM sync_logs
            WHERE event_type = 'sync_completed' AND created_at >= :since""";

    private static final String FAILURES_BY_CODE = """
            SELECT COALESCE(error_code, '(none)') AS error_code, COUNT(*) AS count
            FROM sync_logs
            WHERE event_type = 'sync_failed' AND created_at >= :since
            GROUP BY 1
            ORDER BY 2 DESC, 1
            LIMIT 20""";

    private static final String BACKLOG = """
            SELECT COUNT(*) AS rows, MIN(received_at) AS oldest FROM webhook_events WHERE processed = FALSE""";

    private final JdbcClient jdbc;
    private final Clock clock;

    OverviewQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    /** The start of the oldest hour the charts show. */
    LocalDateTime firstHour() {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.HOURS).minusHours(HourlyChart.HOURS - 1L);
    }

    List<StatusCount> statuses() {
        Map<String, Long> found = new HashMap<>();
        jdbc.sql(STATUSES).query((rs, n) -> found.put(rs.getString("status"), rs.getLong("count"))).list();
        List<StatusCount> all = new ArrayList<>();
        for (SyncStatus status : SyncStatus.values()) {
            all.add(new StatusCount(status.dbValue(), found.getOrDefault(status.dbValue(), 0L)));
        }
        return all;
    }

    HourlyChart webhooksPerHour(LocalDateTime firstHour) {
        return HourlyChart.of("webhooks received", firstHour, perHour(WEBHOOKS_PER_HOUR, firstHour));
    }

    HourlyChart syncsPerHour(LocalDateTime firstHour) {
        return HourlyChart.of("syncs done", firstHour, perHour(SYNCS_PER_HOUR, firstHour));
    }

    Durations durations(LocalDateTime firstHour) {
        return jdbc.sql(DURATIONS).param("since", utc(firstHour))
                .query((rs, n) -> new Durations(rs.getLong("syncs"), (Double) rs.getObject("p50"),
                        (Double) rs.getObject("p95")))
                .single();
    }

    List<ErrorCount> failuresByCode(LocalDateTime firstHour) {
        return jdbc.sql(FAILURES_BY_CODE).param("since", utc(firstHour))
                .query((rs, n) -> new ErrorCount(rs.getString("error_code"), rs.getLong("count"))).list();
    }

    Backlog backlog() {
        return jdbc.sql(BACKLOG)
                .query((rs, n) -> new Backlog(rs.getLong("rows"), rs.getObject("oldest", OffsetDateTime.class)))
                .single();
    }

    private Map<LocalDateTime, Long> perHour(String sql, LocalDateTime firstHour) {
        Map<LocalDateTime, Long> counts = new HashMap<>();
        jdbc.sql(sql).param("since", utc(firstHour))
                .query((rs, n) -> counts.put(rs.getObject("hour", LocalDateTime.class), rs.getLong("count"))).list();
        return counts;
    }

    private static OffsetDateTime utc(LocalDateTime time) {
        return time.atOffset(ZoneOffset.UTC);
    }
}
