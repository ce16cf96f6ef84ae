-- Plans of the status page's heaviest queries on the generated data (run-bench.sh writes them to
-- target/status-bench/explain.txt). Parameters are typical values of the generated shape.
\pset pager off
\echo '== overview: syncs done per hour, last 24 h'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour, COUNT(*) AS count
FROM sync_logs WHERE event_type = 'sync_completed' AND created_at >= NOW() - INTERVAL '24 hours' GROUP BY 1;
\echo '== overview: sync duration p50/p95, last 24 h'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT COUNT(duration_seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_seconds),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_seconds)
FROM sync_logs WHERE event_type = 'sync_completed' AND created_at >= NOW() - INTERVAL '24 hours';
\echo '== overview: repositories per status'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT sync_status, COUNT(*) FROM repositories GROUP BY sync_status;
\echo '== overview: webhooks received per hour, last 24 h'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT date_trunc('hour', received_at AT TIME ZONE 'UTC') AS hour, COUNT(*) AS count
FROM webhook_events WHERE received_at >= NOW() - INTERVAL '24 hours' GROUP BY 1;
\echo '== repositories: name search, first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT r.id, r.github_full_name FROM repositories r
WHERE r.github_full_name ILIKE '%repo-0042%' ESCAPE '\' ORDER BY r.github_full_name, r.id LIMIT 51;
\echo '== repositories: status filter, keyset page after id 50000'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT r.id, r.github_full_name FROM repositories r
WHERE r.sync_status = 'permanent_failure'
  AND (r.github_full_name, r.id) > (SELECT a.github_full_name, a.id FROM repositories a WHERE a.id = 50000)
ORDER BY r.github_full_name, r.id LIMIT 51;
\echo '== repository: sync timeline'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT id, event_type, status, duration_seconds, bytes_transferred, error_code, error_message, created_at
FROM sync_logs WHERE repository_id = 4242 ORDER BY created_at DESC, id DESC LIMIT 100;
\echo '== failures: newest permanent failures with their last error code'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT r.id, r.github_full_name, f.error_code FROM repositories r
LEFT JOIN LATERAL (SELECT sl.error_code FROM sync_logs sl WHERE sl.repository_id = r.id AND sl.event_type = 'sync_failed'
                   ORDER BY sl.created_at DESC, sl.id DESC LIMIT 1) f ON TRUE
WHERE r.sync_status = 'permanent_failure' ORDER BY r.updated_at DESC, r.id DESC LIMIT 51;
\echo '== /api/syncs/activity (ops API): the capped count of its unfiltered page (count-limit 10,000)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT COUNT(*) FROM (SELECT sl.id FROM sync_logs sl JOIN repositories r ON sl.repository_id = r.id
                      ORDER BY sl.created_at DESC, sl.id DESC LIMIT 10001) AS matching;
\echo '== /api/syncs/activity (ops API): a keyset page after a cursor'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT sl.id, r.github_full_name, sl.event_type, sl.status, sl.created_at FROM sync_logs sl
JOIN repositories r ON sl.repository_id = r.id
WHERE (sl.created_at, sl.id) < (NOW() - INTERVAL '30 days', 2500000)
ORDER BY sl.created_at DESC, sl.id DESC LIMIT 51;
\echo '== /api/syncs/pending (ops API): the capped count'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT COUNT(*) FROM (SELECT id FROM repositories WHERE sync_status = 'pending'
                      ORDER BY created_at, id LIMIT 10001) AS matching;
\echo '== /api/syncs/statistics (ops API)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT sync_status, COUNT(*), AVG(retry_count) FROM repositories GROUP BY sync_status;
-- The ops API's statements run as server-side prepared statements (PgJDBC, after 5 runs), whose generic plan
-- PostgreSQL may keep: these are planned generic on purpose (V9 and one statement per combination of filters).
SET plan_cache_mode = force_generic_plan;
\echo '== /api/repositories?q= (ops API, generic plan): the capped count'
PREPARE name_count(text, int) AS
SELECT COUNT(*) FROM (SELECT r.id FROM repositories r LEFT JOIN repository_freshness f ON f.repository_id = r.id
                      WHERE TRUE AND r.github_full_name ILIKE $1 ESCAPE '\' LIMIT $2) AS matching;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE name_count('%repo-0042%', 10001);
\echo '== /api/repositories?q= (ops API, generic plan): the first page'
PREPARE name_page(text, int) AS
SELECT r.id, r.github_full_name, COALESCE(f.state, 'unchecked') FROM repositories r
LEFT JOIN repository_freshness f ON f.repository_id = r.id
WHERE TRUE AND r.github_full_name ILIKE $1 ESCAPE '\' ORDER BY r.id LIMIT $2;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE name_page('%repo-0042%', 51);
\echo '== /api/syncs/activity?owner= (ops API, generic plan): the capped count'
PREPARE owner_count(text, int) AS
SELECT COUNT(*) FROM (SELECT sl.id FROM sync_logs sl JOIN repositories r ON sl.repository_id = r.id
                      WHERE TRUE AND r.github_owner = $1 LIMIT $2) AS matching;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE owner_count('owner-0042', 10001);
\echo '== /api/syncs/activity?owner= (ops API, generic plan): the first page'
PREPARE owner_page(text, int) AS
SELECT sl.id, r.github_full_name, sl.event_type, sl.status, sl.created_at FROM sync_logs sl
JOIN repositories r ON sl.repository_id = r.id
WHERE TRUE AND r.github_owner = $1 ORDER BY sl.created_at DESC, sl.id DESC LIMIT $2;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE owner_page('owner-0042', 51);
\echo '== /api/repositories?status= (ops API, generic plan): the first page'
PREPARE status_page(text, int) AS
SELECT r.id, r.github_full_name FROM repositories r LEFT JOIN repository_freshness f ON f.repository_id = r.id
WHERE TRUE AND r.sync_status = $1 ORDER BY r.id LIMIT $2;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE status_page('failed', 51);
-- OpsQueries.OWNER_ACTIVITY_PAGE (issue 12): each repository of the owner gives its newest offset + limit matching
-- steps from idx_sync_logs_repository_created_at, the page's ids are the top-N of those, then only the page's rows
-- are read, by primary key (the LIMIT 1 keeps that a nested loop in the generic plan).
\echo '== /api/syncs/activity?owner= (ops API, generic plan): the first page, per-repository form'
PREPARE owner_lateral_page(text, int, bigint, bigint) AS
SELECT sl.id, sl.repository_id, top.github_full_name, sl.event_type, sl.status, sl.duration_seconds,
       sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
FROM (SELECT c.id, c.created_at, r.github_full_name
      FROM repositories r
      CROSS JOIN LATERAL (SELECT sl.id, sl.created_at FROM sync_logs sl
                          WHERE sl.repository_id = r.id
                          ORDER BY sl.created_at DESC, sl.id DESC LIMIT $4) c
      WHERE r.github_owner = $1
      ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3) top
CROSS JOIN LATERAL (SELECT sl.id, sl.repository_id, sl.event_type, sl.status, sl.duration_seconds,
                           sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
                    FROM sync_logs sl WHERE sl.id = top.id LIMIT 1) sl
ORDER BY top.created_at DESC, top.id DESC;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE owner_lateral_page('owner-0042', 51, 0, 51);
\echo '== /api/syncs/activity?owner= (ops API, generic plan): page 11 by offset, per-repository form'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE owner_lateral_page('owner-0042', 51, 500, 551);
\echo '== /api/syncs/activity?owner=&eventType=sync_completed&since= after a cursor (ops API, generic plan), per-repository form'
PREPARE owner_lateral_filtered(text, int, bigint, bigint, text, timestamptz, timestamptz, bigint) AS
SELECT sl.id, sl.repository_id, top.github_full_name, sl.event_type, sl.status, sl.duration_seconds,
       sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
FROM (SELECT c.id, c.created_at, r.github_full_name
      FROM repositories r
      CROSS JOIN LATERAL (SELECT sl.id, sl.created_at FROM sync_logs sl
                          WHERE sl.repository_id = r.id
                            AND sl.event_type = $5 AND sl.created_at >= $6
                            AND (sl.created_at, sl.id) < ($7, $8)
                          ORDER BY sl.created_at DESC, sl.id DESC LIMIT $4) c
      WHERE r.github_owner = $1
      ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3) top
CROSS JOIN LATERAL (SELECT sl.id, sl.repository_id, sl.event_type, sl.status, sl.duration_seconds,
                           sl.bytes_transferred, sl.error_code, sl.error_message, sl.created_at
                    FROM sync_logs sl WHERE sl.id = top.id LIMIT 1) sl
ORDER BY top.created_at DESC, top.id DESC;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
EXECUTE owner_lateral_filtered('owner-0042', 51, 0, 51, 'sync_completed', NOW() - INTERVAL '90 days',
                               NOW() - INTERVAL '30 days', 2500000);
RESET plan_cache_mode;
