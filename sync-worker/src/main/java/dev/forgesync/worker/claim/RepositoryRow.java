package dev.forgesync.worker.claim;

import dev.forgesync.schema.SyncStatus;

/** The columns of {@code repositories} a sync needs. {@code fullName} is the truth for the clone URL. */
public record RepositoryRow(
        long id,
        String fullName,
        String owner,
        String name,
        String defaultBranch,
        SyncStatus status,
        int retryCount,
        int maxRetries) {
}
