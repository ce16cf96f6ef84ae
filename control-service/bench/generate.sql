-- The status page's scale: 100,000 repositories, 5,000,000 sync_logs rows over 90 days (the retention period) and
-- 500,000 webhook events over 30 days, into an empty, migrated database. Run by run-bench.sh; about 3-6 minutes.
-- Shape: 2,000 owners; 80 % completed, 9 % failed, 5 % pending, 5 % permanent_failure, 1 % in_progress; each
-- repository has 50 steps (8 syncs of 6 steps and a sync that has just begun), about 10,000 syncs in the last 24 h,
-- one sync in 20 ending in sync_failed with one of five error codes; 200 webhook events still in the outbox.
\set ON_ERROR_STOP on
SET synchronous_commit = off;

INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                          github_default_branch, onedev_url, onedev_repo_name, onedev_project_id, sync_status,
                          error_message, retry_count, created_at, updated_at, last_synced_at, next_retry_at, metadata)
SELECT 'https://github.com/' || o || '/' || n, n, o, o || '/' || n, 1000000 + g, 'main',
       'https://onedev.example.com/github/' || o || '/' || n, 'github/' || o || '/' || n, g,
       s,
       CASE WHEN s IN ('failed', 'permanent_failure') THEN 'GitHub answered 404: repository not found' END,
       CASE WHEN s = 'failed' THEN 1 + g % 2 WHEN s = 'permanent_failure' THEN 3 ELSE 0 END,
       NOW() - (g % 365) * INTERVAL '1 day',
       NOW() - (g * 7919 % 7776000) * INTERVAL '1 second',
       CASE WHEN s = 'completed' THEN NOW() - (g * 7919 % 864000) * INTERVAL '1 second' END,
       CASE WHEN s = 'failed' THEN NOW() + (g % 3600 - 1800) * INTERVAL '1 second' END,
       jsonb_build_object('language', (ARRAY['Java', 'Go', 'Python', 'Rust', 'C'])[1 + g % 5])
FROM (SELECT g, 'owner-' || lpad((g % 2000)::text, 4, '0') AS o, 'repo-' || lpad(g::text, 6, '0') AS n,
             CASE WHEN g % 100 < 80 THEN 'completed' WHEN g % 100 < 89 THEN 'failed'
                  WHEN g % 100 < 94 THEN 'pending' WHEN g % 100 < 99 THEN 'permanent_failure'
                  ELSE 'in_progress' END AS s
      FROM generate_series(1, 100000) g) src;

-- Row g belongs to repository 1 + g % 100000; its step n = g / 100000 (0..49) is step n % 6 of sync n / 6.
-- Sync k of a repository starts k * 11 days plus up to 10 days before now, so about a tenth of the repositories
-- synced in the last 24 hours.
INSERT INTO sync_logs (repository_id, event_type, status, error_message, error_code, duration_seconds,
                       bytes_transferred, payload, created_at)
SELECT r, e,
       CASE WHEN e = 'sync_failed' THEN 'failure' WHEN e LIKE '%started' THEN 'in_progress' ELSE 'success' END,
       CASE WHEN e = 'sync_failed' THEN 'the sync failed: ' || c END,
       CASE WHEN e = 'sync_failed' THEN c END,
       CASE WHEN e IN ('clone_completed', 'push_completed') THEN round((0.2 + random() * 4)::numeric, 3)
            WHEN e IN ('sync_completed', 'sync_failed') THEN round((0.5 + random() * random() * 30)::numeric, 3) END,
       CASE WHEN e IN ('clone_completed', 'push_completed', 'sync_completed') THEN (random() * 20000000)::bigint END,
       CASE WHEN e = 'sync_completed' THEN '{"branches": 3, "tags": 12}'::jsonb END,
       NOW() - (k * 950400 + r * 7919 % 864000) * INTERVAL '1 second' + step * INTERVAL '3 seconds'
FROM (SELECT 1 + g % 100000 AS r, (g / 100000) / 6 AS k, (g / 100000) % 6 AS step,
             CASE WHEN (g / 100000) % 6 = 5 AND (g % 100000 + (g / 100000) / 6) % 20 = 0 THEN 'sync_failed'
                  ELSE (ARRAY['sync_started', 'clone_started', 'clone_completed', 'push_started', 'push_completed',
                              'sync_completed'])[1 + (g / 100000) % 6] END AS e,
             (ARRAY['github_unreachable', 'onedev_5xx', 'source_gone', 'push_rejected', 'timeout'])[1 + g % 5] AS c
      FROM generate_series(0, 4999999) g) src;

INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed, processing_error,
                            received_at, processed_at, repository_id)
SELECT 'bench-' || g, (ARRAY['push', 'watch', 'push', 'create', 'push'])[1 + g % 5], 'bench-' || g,
       jsonb_build_object('repository', jsonb_build_object('full_name',
           'owner-' || lpad((r % 2000)::text, 4, '0') || '/repo-' || lpad(r::text, 6, '0'))),
       'sha256=bench', g > 200, NULL,
       NOW() - (CASE WHEN g <= 200 THEN g ELSE g * 5 % 2592000 END) * INTERVAL '1 second',
       CASE WHEN g > 200 THEN NOW() - (g * 5 % 2592000) * INTERVAL '1 second' END, r
FROM (SELECT g, 1 + g * 31 % 100000 AS r FROM generate_series(1, 500000) g) src;

VACUUM ANALYZE repositories;
VACUUM ANALYZE sync_logs;
VACUUM ANALYZE webhook_events;
