-- Name search (issue 12): /api/repositories?q= and the status page's /repositories?q= find repositories whose
-- github_full_name contains the text, case-insensitively (ILIKE '%text%', the one rule in control-service's
-- NameSearch). A b-tree cannot serve a pattern with a leading wildcard: both read every name (100,000 index entries,
-- 143 ms alone, 527 ms p95 under load; docs/benchmarks.md, "Status page at scale"). A trigram index can.
-- pg_trgm ships with PostgreSQL (Debian's postgresql-15 package, the infra image's too) and is a trusted extension
-- since PostgreSQL 13: the database's owner creates it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX idx_repositories_full_name_trgm ON repositories USING gin (github_full_name gin_trgm_ops);
