-- Vault mode and per-ref isolation (issue 15).
--   * rejected_refs: how many refs the destination refused in the latest completed sync (a pre-receive rule); the
--     other refs were mirrored. A completed row with rejected_refs > 0 is "partial": an operator filters on it, the
--     refused refs and OneDev's reasons are the sync_logs rows with error_code 'ref_rejected'. Reset by each sync.
--   * archived_refs: how many destination tips vault mode has kept under forgesync/archive/ (force-pushes,
--     deletions) over the repository's life; each one is in sync_logs (push_completed payload -> 'archived').
ALTER TABLE repositories
    ADD COLUMN rejected_refs INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN archived_refs INTEGER NOT NULL DEFAULT 0;

CREATE INDEX idx_repositories_partial ON repositories(id) WHERE rejected_refs > 0;

-- repositories_archive keeps repositories' columns in the same order, then archived_at (INSERT ... SELECT *).
ALTER TABLE repositories_archive RENAME COLUMN archived_at TO archived_at_v6;
DROP INDEX IF EXISTS idx_repositories_archive_archived_at;
ALTER TABLE repositories_archive
    ADD COLUMN rejected_refs INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN archived_refs INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN archived_at TIMESTAMPTZ;
UPDATE repositories_archive SET archived_at = archived_at_v6;
ALTER TABLE repositories_archive
    ALTER COLUMN archived_at SET NOT NULL,
    ALTER COLUMN archived_at SET DEFAULT NOW(),
    DROP COLUMN archived_at_v6;
CREATE INDEX idx_repositories_archive_archived_at ON repositories_archive(archived_at DESC);
