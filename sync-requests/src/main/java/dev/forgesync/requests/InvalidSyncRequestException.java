package dev.forgesync.requests;

/**
 * A record value that is not a {@link SyncRequest} this code can read: malformed JSON, a missing or wrong-typed
 * field, or a version newer than {@link SyncRequest#CURRENT_VERSION}. Such a record is poison: retrying cannot
 * help, so consumers send it straight to the dead-letter topic.
 */
public class InvalidSyncRequestException extends RuntimeException {

    public InvalidSyncRequestException(String message) {
        super(message);
    }

    public InvalidSyncRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
