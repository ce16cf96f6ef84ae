-- Issue 15: a source may override the mirror mode and the branch/tag globs for the repositories it brings.
--   * sources.mirror_mode: 'vault' or 'exact'; NULL = the worker's FORGESYNC_MIRROR_MODE.
--   * sources.branches_include/branches_exclude/tags_include/tags_exclude: globs relative to refs/heads/ and
--     refs/tags/; NULL = the worker's global list of the same name; an empty array is a list of its own (no globs).
--   * source_repositories: which sources listed a repository (written by discovery, every pass). The worker reads
--     the settings of a repository's sources when it syncs it, whatever triggered the sync (webhook, discovery,
--     drift, API). A repository in several sources: vault if any of them is vault; a ref is mirrored if any of
--     them mirrors it. Deleting a source (or the repository) removes its links; the repository then falls back
--     to the global settings.
ALTER TABLE sources
    ADD COLUMN mirror_mode VARCHAR(10),
    ADD COLUMN branches_include TEXT[],
    ADD COLUMN branches_exclude TEXT[],
    ADD COLUMN tags_include TEXT[],
    ADD COLUMN tags_exclude TEXT[],
    ADD CONSTRAINT valid_source_mirror_mode CHECK (mirror_mode IS NULL OR mirror_mode IN ('vault', 'exact'));

CREATE TABLE source_repositories (
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    linked_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (repository_id, source_id)
);

CREATE INDEX idx_source_repositories_source ON source_repositories(source_id);
