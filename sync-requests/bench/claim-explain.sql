-- The relay's claim (OutboxRelay.CLAIM) on a large outbox, as a generic plan: run on an empty, migrated database
-- (psql -f). 1,000,000 processed rows over 30 days, 200 unprocessed rows past the grace (half with relay_after NULL,
-- a quarter with it passed, a quarter not yet) and a burst of 5,000 young unprocessed rows (inside the grace, their
-- relay_after ahead). The claim must walk idx_webhook_events_unprocessed and read only unprocessed rows.
\set ON_ERROR_STOP on
SET synchronous_commit = off;

INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name)
SELECT 'https://github.com/claim/r' || g, 'r' || g, 'claim', 'claim/r' || g FROM generate_series(1, 1000) g;

INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed, received_at,
                            processed_at, repository_id, relay_after)
SELECT 'claim-' || g, 'push', 'claim-' || g, '{}', 'sha256=bench', TRUE,
       NOW() - (g * 5 % 2592000) * INTERVAL '1 second', NOW() - (g * 5 % 2592000) * INTERVAL '1 second',
       (SELECT min(id) FROM repositories) + g % 1000,
       CASE WHEN g % 2 = 0 THEN NOW() - (g * 5 % 2592000) * INTERVAL '1 second' + INTERVAL '11 seconds' END
FROM generate_series(1, 1000000) g;

INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed, received_at,
                            repository_id, relay_after)
SELECT 'stuck-' || g, 'push', 'stuck-' || g, '{}', 'sha256=bench', FALSE, NOW() - (20 + g) * INTERVAL '1 second',
       (SELECT min(id) FROM repositories) + g % 1000,
       CASE WHEN g % 4 = 1 THEN NOW() - (9 + g) * INTERVAL '1 second'
            WHEN g % 4 = 2 THEN NOW() + INTERVAL '1 hour' END
FROM generate_series(1, 200) g;

INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed, received_at,
                            repository_id, relay_after)
SELECT 'young-' || g, 'push', 'young-' || g, '{}', 'sha256=bench', FALSE, NOW() - g * INTERVAL '1 millisecond',
       (SELECT min(id) FROM repositories) + g % 1000, NOW() + INTERVAL '11 seconds'
FROM generate_series(1, 5000) g;

VACUUM ANALYZE repositories;
VACUUM ANALYZE webhook_events;

PREPARE claim(text, int) AS
SELECT we.id, we.repository_id, r.github_full_name, we.event_type, we.delivery_id, we.received_at
FROM webhook_events we
LEFT JOIN repositories r ON r.id = we.repository_id
WHERE we.processed = FALSE AND we.received_at < NOW() - CAST($1 AS interval)
  AND (we.relay_after IS NULL OR we.relay_after < NOW())
ORDER BY we.received_at
LIMIT $2
FOR UPDATE OF we SKIP LOCKED;

SET plan_cache_mode = force_generic_plan;
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE claim('10000 milliseconds', 200);
ROLLBACK;
SET plan_cache_mode = force_custom_plan;
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE claim('10000 milliseconds', 200);
ROLLBACK;
