package dev.forgesync.control.ops;

import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What vault mode and per-ref isolation left on a repository, from the worker's {@code sync_logs}: the tips kept
 * under {@code forgesync/archive/} and the refs the destination refused in the latest push. Read by
 * {@code GET /api/repositories/{id}} and by the status page's repository page.
 */
@Component
public class RefHistory {

    /** A destination tip the vault kept ({@code newTip} null: upstream deleted the ref). */
    public record ArchivedRef(String ref, String archive, String oldTip, String newTip, String reason,
            OffsetDateTime archivedAt) {
    }

    /** A ref the destination refused in the latest push, with its reason. */
    public record RejectedRef(String ref, String reason, OffsetDateTime rejectedAt) {
    }

    /** Every tip the vault kept (the worker's push_completed payloads), newest first. */
    private static final String ARCHIVED = """
            SELECT a ->> 'ref' AS ref, a ->> 'archive' AS archive, a ->> 'oldTip' AS old_tip,
                   a ->> 'newTip' AS new_tip, a ->> 'reason' AS reason, l.created_at AS archived_at
            FROM sync_logs l, jsonb_array_elements(l.payload -> 'archived') AS a
            WHERE l.repository_id = :id AND l.event_type = 'push_completed'
            ORDER BY l.id DESC
            LIMIT :limit""";

    /** The refs refused by the latest push (its ref_rejected rows). */
    private static final String REJECTED = """
            SELECT l.payload ->> 'ref' AS ref, l.error_message AS reason, l.created_at AS rejected_at
            FROM sync_logs l
            WHERE l.repository_id = :id AND l.error_code = 'ref_rejected'
              AND l.id > COALESCE((SELECT MAX(p.id) FROM sync_logs p
                                   WHERE p.repository_id = :id AND p.event_type = 'push_started'), 0)
            ORDER BY l.id""";

    private final JdbcClient jdbc;

    RefHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The {@code limit} most recently archived tips of the repository, newest first. */
    public List<ArchivedRef> archived(long repositoryId, int limit) {
        return jdbc.sql(ARCHIVED).param("id", repositoryId).param("limit", limit)
                .query(new DataClassRowMapper<>(ArchivedRef.class)).list();
    }

    /** The refs the latest push of the repository had refused. */
    public List<RejectedRef> rejected(long repositoryId) {
        return jdbc.sql(REJECTED).param("id", repositoryId).query(new DataClassRowMapper<>(RejectedRef.class)).list();
    }
}
