package dev.forgesync.schema;

/**
 * The schema document's sample queries, as written there, except {@link #UNPROCESSED_WEBHOOKS}: the seed's
 * {@code payload->>'repository'->>'full_name'} applies {@code ->>} to text and fails, so it reads
 * {@code payload->'repository'->>'full_name'}. The ops API builds filtered, paged forms of these; the migration
 * test runs each one as it stands here.
 */
public final class SeedQueries {

    public static final String PENDING_SYNCS = """
            SELECT id, github_full_name, sync_status, retry_count, created_at, error_message
            FROM repositories
            WHERE sync_status = 'pending'
            ORDER BY created_at ASC""";

    public static final String FAILED_READY_FOR_RETRY = """
            SELECT id, github_full_name, retry_count, next_retry_at, error_message
            FROM repositories
            WHERE sync_status = 'failed'
                AND retry_count < max_retries
                AND next_retry_at <= NOW()
            ORDER BY next_retry_at ASC""";

    public static final String SYNC_STATISTICS = """
            SELECT sync_status, COUNT(*) as count, AVG(retry_count) as avg_retries
            FROM repositories
            GROUP BY sync_status""";

    public static final String RECENT_SYNC_ACTIVITY = """
            SELECT r.github_full_name, sl.event_type, sl.status, sl.duration_seconds, sl.created_at
            FROM sync_logs sl
            JOIN repositories r ON sl.repository_id = r.id
            ORDER BY sl.created_at DESC
            LIMIT 50""";

    public static final String UNPROCESSED_WEBHOOKS = """
            SELECT id, event_type, received_at, payload->'repository'->>'full_name' as repo_name
            FROM webhook_events
            WHERE processed = FALSE
            ORDER BY received_at ASC""";

    /** The seed's JSONB example (served by the GIN index on {@code metadata}). */
    public static final String METADATA_CONTAINS_LANGUAGE_PYTHON = """
            SELECT * FROM repositories
            WHERE metadata @> '{"language": "Python"}'""";

    private SeedQueries() {
    }
}
