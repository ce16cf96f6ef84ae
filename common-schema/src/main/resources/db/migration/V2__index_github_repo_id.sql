-- ingest-service finds the row of a renamed or transferred repository by GitHub's repository id
-- (repository events carry the new name and the old id); without an index that is a full scan per delivery.
CREATE INDEX idx_repositories_github_repo_id ON repositories(github_repo_id);
