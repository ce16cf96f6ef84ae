package dev.forgesync.requests.publish;

import java.util.Collection;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** Marks outbox rows processed once the broker acknowledged their sync request. */
@Component
public class PublishedEvents {

    private static final String MARK_PUBLISHED = """
            UPDATE webhook_events SET processed = TRUE, processed_at = NOW()
            WHERE id = ANY(:ids) AND processed = FALSE""";

    private final JdbcClient jdbc;

    PublishedEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Returns how many rows changed (a row another instance already marked is not counted). */
    public int markPublished(Collection<Long> eventRowIds) {
        if (eventRowIds.isEmpty()) {
            return 0;
        }
        // One array parameter, not an IN list: one statement text for any batch size (prepared once), and a plan
        // that stays a primary-key lookup even where the table has no statistics yet (see RepositoryRegistry).
        return jdbc.sql(MARK_PUBLISHED).param("ids", new SqlArrayValue("bigint", eventRowIds.toArray())).update();
    }
}
