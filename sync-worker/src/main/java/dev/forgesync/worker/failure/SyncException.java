package dev.forgesync.worker.failure;

/**
 * A failure translated at an edge (git, OneDev, the claim), carrying its own class. The message must never hold a
 * secret; the audit trail redacts it again anyway.
 */
public abstract class SyncException extends RuntimeException {

    protected SyncException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Short, stable code for {@code sync_logs.error_code} (at most 50 characters). */
    public abstract String code();

    /** Whether a later attempt may succeed without anybody changing anything. */
    public abstract boolean retryable();
}
