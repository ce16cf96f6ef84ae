-- Claims name their holder, and the skip rule reads PostgreSQL's clock instead of the audit trail.
--   * claim_fence: a fencing number. CLAIM increments it and the winner keeps the new value; every later write of
--     that sync (heartbeat, complete, fail, mark permanent, store the OneDev project) names it, so a worker whose
--     claim was taken over changes nothing. It only ever grows.
--   * claimed_at: when the current (or last) claim was won, from the database's clock (set by CLAIM).
--   * last_sync_started_at: claimed_at of the latest successful sync, copied by COMPLETE. A request received
--     before it is already satisfied (the skip rule); both instants come from PostgreSQL, never from a JVM.
ALTER TABLE repositories
    ADD COLUMN claim_fence BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN claimed_at TIMESTAMPTZ,
    ADD COLUMN last_sync_started_at TIMESTAMPTZ;

-- repositories_archive keeps repositories' columns in the same order, then archived_at (the archive query is
-- INSERT ... SELECT *): the new columns go before archived_at, whose values are kept.
ALTER TABLE repositories_archive RENAME COLUMN archived_at TO archived_at_v3;
ALTER TABLE repositories_archive
    ADD COLUMN claim_fence BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN claimed_at TIMESTAMPTZ,
    ADD COLUMN last_sync_started_at TIMESTAMPTZ,
    ADD COLUMN archived_at TIMESTAMPTZ;
UPDATE repositories_archive SET archived_at = archived_at_v3;
ALTER TABLE repositories_archive
    ALTER COLUMN archived_at SET NOT NULL,
    ALTER COLUMN archived_at SET DEFAULT NOW(),
    DROP COLUMN archived_at_v3;
-- The old column's index went with it.
CREATE INDEX idx_repositories_archive_archived_at ON repositories_archive(archived_at DESC);
