package dev.forgesync.requests.publish;

import java.time.Instant;
import java.util.Optional;

import dev.forgesync.requests.SyncRequest;

/**
 * A committed {@code webhook_events} row still to be published (the outbox entry): the request thread hands it over
 * after commit, the relay reads it back from rows left {@code processed = false}.
 */
public record PendingPublication(
        long eventRowId, long repositoryId, String fullName, String trigger, String deliveryId, Instant receivedAt) {

    /**
     * Why this can never become a {@link SyncRequest} (one of the request's own rules broken, e.g. no positive
     * repository id), or empty when it can; such a row is final, no retry helps.
     */
    public Optional<String> defect() {
        try {
            toSyncRequest();
            return Optional.empty();
        } catch (NullPointerException e) {
            return Optional.of("no " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    SyncRequest toSyncRequest() {
        return SyncRequest.of(repositoryId, fullName, trigger, deliveryId, receivedAt);
    }
}
