-- Issue 13: what to mirror besides webhooks (sources), and whether each mirror is verifiably current (freshness).
-- New tables only: repositories, its seed CHECK constraints and repositories_archive are left as they are.

-- A source is something to list on GitHub every discovery interval: an organisation's repositories, a user's,
-- a user's stars, or one repository. Deleting a source stops its discovery; mirrors it found are kept.
CREATE TABLE sources (
    id SERIAL PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    name VARCHAR(255) NOT NULL,              -- org or user login, or owner/repo
    include_globs TEXT[] NOT NULL DEFAULT '{}',
    exclude_globs TEXT[] NOT NULL DEFAULT '{}',
    forks BOOLEAN NOT NULL DEFAULT FALSE,    -- also mirror forks
    archived BOOLEAN NOT NULL DEFAULT TRUE,  -- also mirror archived repositories
    hook_id BIGINT,                          -- the operator's webhook on it, for self-healing redelivery
    seeded BOOLEAN NOT NULL DEFAULT FALSE,   -- came from FORGESYNC_SOURCES
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_discovered_at TIMESTAMPTZ,
    last_outcome VARCHAR(20),
    last_error TEXT,
    last_found INTEGER,
    last_registered INTEGER,
    CONSTRAINT valid_source_kind CHECK (kind IN ('org', 'user', 'starred', 'repository')),
    CONSTRAINT valid_source_outcome CHECK (last_outcome IS NULL OR last_outcome IN ('ok', 'failed'))
);

CREATE UNIQUE INDEX ux_sources_kind_name ON sources (kind, lower(name));

-- One row per mirrored repository. sync-worker writes pushed_* in the transaction that completes a sync (a digest
-- of the source's refs/heads/* and refs/tags/* tips it fetched and pushed, see common-schema RefsDigest);
-- control-service writes the rest after reading the source's ref advertisement.
CREATE TABLE repository_freshness (
    repository_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    pushed_refs_digest VARCHAR(64),
    pushed_ref_count INTEGER,
    pushed_at TIMESTAMPTZ,
    source_refs_digest VARCHAR(64),
    state VARCHAR(20) NOT NULL DEFAULT 'unchecked',
    state_since TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    checked_at TIMESTAMPTZ,
    next_check_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    detail TEXT,
    alerted_state VARCHAR(30),               -- the last condition an alert was sent for (deduplication)
    alerted_at TIMESTAMPTZ,
    CONSTRAINT valid_freshness_state CHECK (
        state IN ('unchecked', 'fresh', 'stale', 'failing', 'source_gone', 'auth_broken'))
);

CREATE INDEX idx_repository_freshness_due ON repository_freshness (next_check_at);
CREATE INDEX idx_repository_freshness_state ON repository_freshness (state);
