package dev.forgesync.worker.failure;

/**
 * Thrown out of the listener once the row is {@code permanent_failure}: the retry topology sends it straight to
 * the dead-letter topic.
 */
public class PermanentSyncFailure extends RuntimeException {

    public PermanentSyncFailure(String message) {
        super(message, null, false, false);
    }
}
