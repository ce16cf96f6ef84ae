package dev.forgesync.ingest.publish;

import java.util.Collection;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Marks outbox rows processed once the broker acknowledged their sync request. */
@Component
public class PublishedEvents {

    private static final String MARK_PUBLISHED = """
            UPDATE webhook_events SET processed = TRUE, processed_at = NOW()
            WHERE id IN (:ids) AND processed = FALSE""";

    private final JdbcClient jdbc;

    PublishedEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Returns how many rows changed (a row another instance already marked is not counted). */
    public int markPublished(Collection<Long> eventRowIds) {
        if (eventRowIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql(MARK_PUBLISHED).param("ids", eventRowIds).update();
    }
}
