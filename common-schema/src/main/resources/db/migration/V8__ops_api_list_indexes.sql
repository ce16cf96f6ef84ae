-- Indexes for control-service's ops API lists (issue 12): each list reads one index in its order and stops after
-- the page (LIMIT size+1) and after the capped count (LIMIT count-limit+1). Measured on 100,000 repositories and
-- 5,000,000 sync_logs rows (docs/benchmarks.md, "Status page at scale").

-- /api/syncs/activity: newest first on (created_at, id), keyset-paginated on the same pair; repository_id included
-- so the capped count is an index-only scan joined to the repositories' primary key (10,001 rows: 2,023 ms with the
-- old created_at index on a cold cache, 27 ms with this one). The seed's idx_sync_logs_created_at stays (the seed
-- document names it), though this one covers its uses.
CREATE INDEX idx_sync_logs_created_at_id ON sync_logs (created_at DESC, id DESC) INCLUDE (repository_id);

-- /api/syncs/pending: the pending oldest first, keyset on (created_at, id) (capped count: 354 ms without it).
CREATE INDEX idx_repositories_pending_created_at_id ON repositories (created_at, id)
    WHERE sync_status = 'pending';

-- /api/syncs/failed (ready and all): failed repositories by next retry, keyset-ready on (next_retry_at, id)
-- (first page of ?all=true: 121 ms without it).
CREATE INDEX idx_repositories_failed_next_retry_id ON repositories (next_retry_at ASC NULLS LAST, id)
    WHERE sync_status = 'failed';

-- /api/syncs/statistics: count and average retry_count per status as an index-only scan (404 ms as a heap scan).
-- The seed's idx_repositories_sync_status stays (the seed document names it).
CREATE INDEX idx_repositories_status_retry_count ON repositories (sync_status) INCLUDE (retry_count);
