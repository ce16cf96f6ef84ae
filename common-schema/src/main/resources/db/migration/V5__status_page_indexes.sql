-- Indexes for control-service's status page (issue 12), each named after the query it serves; measured on
-- 100,000 repositories and 5,000,000 sync_logs rows (docs/benchmarks.md, "Status page at scale").

-- Overview: syncs done per hour, p50/p95 duration and failures by error_code over the last 24 h read only the
-- rows of one event type in a time window, with the two columns they aggregate (index-only scans).
CREATE INDEX idx_sync_logs_event_type_created_at ON sync_logs (event_type, created_at)
    INCLUDE (duration_seconds, error_code);

-- One repository's sync timeline, newest first, and the latest sync_failed of each permanent failure.
CREATE INDEX idx_sync_logs_repository_created_at ON sync_logs (repository_id, created_at DESC, id DESC);

-- One repository's recent webhook events, newest first.
CREATE INDEX idx_webhook_events_repository_received_at ON webhook_events (repository_id, received_at DESC, id DESC);

-- The repositories list: ordered by name, keyset-paginated on (github_full_name, id).
CREATE INDEX idx_repositories_full_name_id ON repositories (github_full_name, id);

-- The failures page: permanent failures newest first, keyset-paginated on (updated_at, id).
CREATE INDEX idx_repositories_permanent_failure ON repositories (updated_at DESC, id DESC)
    WHERE sync_status = 'permanent_failure';

-- The repositories list filtered by status: the name order within one status (without it a rare status walks the
-- whole name index: 216 ms at 100,000 repositories on a busy machine).
CREATE INDEX idx_repositories_status_full_name_id ON repositories (sync_status, github_full_name, id);

-- The failures page's latest sync_failed per repository: one index entry instead of sorting the repository's 50
-- steps (563 ms for a page of 51 on a busy machine with a cold cache).
CREATE INDEX idx_sync_logs_failed_repository ON sync_logs (repository_id, created_at DESC, id DESC)
    WHERE event_type = 'sync_failed';
