package dev.forgesync.worker.claim;

import dev.forgesync.schema.SyncStatus;

/**
 * The columns of {@code repositories} a sync needs. {@code fullName} is the truth for the clone URL; {@code stopped}
 * is ingest's {@code metadata.sync_stopped} mark (the GitHub repository was deleted, or unstarred with the
 * {@code stop} policy): such a repository is not synced until a new event clears the mark. {@code privateRepository}
 * is GitHub's visibility as ingest last saw it; {@code oneDevProjectId} is the OneDev project a previous sync created
 * or found (null before the first one). {@code githubUrl}, {@code description} and {@code archived} are what ingest
 * last stored from GitHub ({@code github_url}, {@code metadata.description}, {@code metadata.archived}); the OneDev
 * project shows them.
 */
public record RepositoryRow(
        long id,
        String fullName,
        String owner,
        String name,
        String defaultBranch,
        SyncStatus status,
        int retryCount,
        int maxRetries,
        boolean stopped,
        boolean privateRepository,
        Long oneDevProjectId,
        String githubUrl,
        String description,
        boolean archived) {

    public RepositoryRow(long id, String fullName, String owner, String name, String defaultBranch, SyncStatus status,
                         int retryCount, int maxRetries, boolean stopped, boolean privateRepository,
                         Long oneDevProjectId) {
        this(id, fullName, owner, name, defaultBranch, status, retryCount, maxRetries, stopped, privateRepository,
                oneDevProjectId, null, null, false);
    }
}
