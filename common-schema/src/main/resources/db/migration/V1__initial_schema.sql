-- forgesync initial schema: the seed document's three tables, their constraints, indexes and trigger,
-- plus repositories_archive (the seed's archive query writes into it).
-- Differences from the seed, each for a reason (see README "Schema"):
--   * TIMESTAMPTZ instead of TIMESTAMP: instants without time-zone ambiguity.
--   * idx_webhook_events_repository_id: the seed indexes foreign keys for join performance.
--   * idx_webhook_events_unprocessed: the outbox relay scans processed = FALSE rows in arrival order.
-- Applied migrations are never edited: change the schema with a new V<n>__ file.

CREATE TABLE repositories (
    id SERIAL PRIMARY KEY,

    -- GitHub information
    github_url VARCHAR(500) NOT NULL UNIQUE,
    github_repo_name VARCHAR(255) NOT NULL,
    github_owner VARCHAR(255) NOT NULL,
    github_full_name VARCHAR(255) NOT NULL,  -- owner/repo
    github_repo_id BIGINT,                   -- GitHub's internal ID
    github_default_branch VARCHAR(100),
    github_is_private BOOLEAN DEFAULT FALSE,
    github_size_kb INTEGER,

    -- OneDev information
    onedev_url VARCHAR(500),
    onedev_repo_name VARCHAR(255),
    onedev_project_id INTEGER,

    -- Sync status: pending, in_progress, completed, failed, permanent_failure
    sync_status VARCHAR(50) NOT NULL DEFAULT 'pending',

    error_message TEXT,
    retry_count INTEGER DEFAULT 0,
    max_retries INTEGER DEFAULT 3,

    -- Timestamps
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_synced_at TIMESTAMPTZ,
    next_retry_at TIMESTAMPTZ,

    -- Additional metadata (JSON for flexibility)
    metadata JSONB,

    CONSTRAINT valid_sync_status CHECK (
        sync_status IN ('pending', 'in_progress', 'completed', 'failed', 'permanent_failure')
    )
);

CREATE INDEX idx_repositories_sync_status ON repositories(sync_status);
CREATE INDEX idx_repositories_github_url ON repositories(github_url);
CREATE INDEX idx_repositories_github_owner ON repositories(github_owner);
CREATE INDEX idx_repositories_updated_at ON repositories(updated_at DESC);
CREATE INDEX idx_repositories_next_retry ON repositories(next_retry_at)
    WHERE sync_status = 'failed' AND next_retry_at IS NOT NULL;
CREATE INDEX idx_repositories_metadata ON repositories USING GIN (metadata);

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER update_repositories_updated_at
    BEFORE UPDATE ON repositories
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE sync_logs (
    id SERIAL PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,

    -- sync_started, sync_completed, sync_failed, retry_attempted, clone_started, clone_completed,
    -- push_started, push_completed, onedev_repo_created
    event_type VARCHAR(50) NOT NULL,

    -- success, failure, in_progress
    status VARCHAR(50) NOT NULL,

    error_message TEXT,
    error_code VARCHAR(50),

    -- Performance metrics
    duration_seconds FLOAT,
    bytes_transferred BIGINT,

    -- Additional context
    payload JSONB,

    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    CONSTRAINT valid_event_type CHECK (
        event_type IN (
            'sync_started', 'sync_completed', 'sync_failed',
            'retry_attempted', 'clone_started', 'clone_completed',
            'push_started', 'push_completed', 'onedev_repo_created'
        )
    ),
    CONSTRAINT valid_status CHECK (
        status IN ('success', 'failure', 'in_progress')
    )
);

CREATE INDEX idx_sync_logs_repository_id ON sync_logs(repository_id);
CREATE INDEX idx_sync_logs_created_at ON sync_logs(created_at DESC);
CREATE INDEX idx_sync_logs_event_type ON sync_logs(event_type);
CREATE INDEX idx_sync_logs_status ON sync_logs(status);

CREATE TABLE webhook_events (
    id SERIAL PRIMARY KEY,

    -- GitHub webhook information
    event_id VARCHAR(100) UNIQUE,      -- GitHub's X-GitHub-Delivery header
    event_type VARCHAR(50) NOT NULL,   -- watch, push, etc.
    delivery_id VARCHAR(100),

    -- Payload
    payload JSONB NOT NULL,
    signature VARCHAR(100) NOT NULL,

    -- Processing status
    processed BOOLEAN DEFAULT FALSE,
    processing_error TEXT,

    -- Timestamps
    received_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    processed_at TIMESTAMPTZ,

    -- Link to repository (if processed)
    repository_id INTEGER REFERENCES repositories(id) ON DELETE SET NULL
);

CREATE INDEX idx_webhook_events_event_id ON webhook_events(event_id);
CREATE INDEX idx_webhook_events_processed ON webhook_events(processed);
CREATE INDEX idx_webhook_events_received_at ON webhook_events(received_at DESC);
CREATE INDEX idx_webhook_events_event_type ON webhook_events(event_type);
CREATE INDEX idx_webhook_events_repository_id ON webhook_events(repository_id);
CREATE INDEX idx_webhook_events_unprocessed ON webhook_events(received_at) WHERE processed = FALSE;

-- Completed repositories not synced for a year move here (seed: "Archive completed repositories").
-- Same columns in the same order as repositories, so the seed's INSERT ... SELECT * works; archived_at
-- comes last and takes its default. A later migration that adds a column to repositories adds it here too.
CREATE TABLE repositories_archive (
    id INTEGER PRIMARY KEY,
    github_url VARCHAR(500) NOT NULL,
    github_repo_name VARCHAR(255) NOT NULL,
    github_owner VARCHAR(255) NOT NULL,
    github_full_name VARCHAR(255) NOT NULL,
    github_repo_id BIGINT,
    github_default_branch VARCHAR(100),
    github_is_private BOOLEAN DEFAULT FALSE,
    github_size_kb INTEGER,
    onedev_url VARCHAR(500),
    onedev_repo_name VARCHAR(255),
    onedev_project_id INTEGER,
    sync_status VARCHAR(50) NOT NULL,
    error_message TEXT,
    retry_count INTEGER,
    max_retries INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_synced_at TIMESTAMPTZ,
    next_retry_at TIMESTAMPTZ,
    metadata JSONB,
    archived_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_repositories_archive_github_url ON repositories_archive(github_url);
CREATE INDEX idx_repositories_archive_archived_at ON repositories_archive(archived_at DESC);
