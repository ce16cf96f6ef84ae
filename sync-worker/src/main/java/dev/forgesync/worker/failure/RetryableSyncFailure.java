package dev.forgesync.worker.failure;

/** Thrown out of the listener once the row is {@code failed} with its next retry: the record goes to a retry topic. */
public class RetryableSyncFailure extends RuntimeException {

    public RetryableSyncFailure(String message) {
        super(message, null, false, false);
    }
}
