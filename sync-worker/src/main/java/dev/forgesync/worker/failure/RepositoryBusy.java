package dev.forgesync.worker.failure;

/**
 * The repository could not be claimed yet: another sync holds it, or its failed sync's retry is not due. The record
 * comes back through the retry topics later; the repository's own retry budget ({@code retry_count}) is untouched.
 */
public final class RepositoryBusy extends RetryableSyncFailure {

    public RepositoryBusy(String message) {
        super(message);
    }
}
