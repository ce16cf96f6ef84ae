-- Issue 13: control-service's ETag cache for GitHub's REST API moves from memory to PostgreSQL, so that after a
-- restart the next discovery pass still asks with If-None-Match and an unchanged page costs a 304 (free against the
-- rate limit) instead of a full answer.
--   * url: the request's absolute URL (with per_page/page); never a token: the client sends tokens in a header only.
--   * etag: GitHub's ETag for the answer, sent back as If-None-Match.
--   * body: the answer's JSON, gzip-compressed by control-service (gzip from the JDK: lz4 is only a runtime
--     dependency of kafka-clients, not one of ours); STORAGE EXTERNAL because PostgreSQL's own compression cannot
--     shrink compressed bytes further.
--   * next_url: the Link header's rel="next", so a 304 page still leads to the next one.
--   * used_at: last read or written; the least recently used rows beyond forgesync.github.etag-entries are deleted.
CREATE TABLE github_etags (
    url TEXT PRIMARY KEY,
    etag TEXT NOT NULL,
    body BYTEA NOT NULL,
    next_url TEXT,
    used_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

ALTER TABLE github_etags ALTER COLUMN body SET STORAGE EXTERNAL;

CREATE INDEX idx_github_etags_used_at ON github_etags(used_at);
