package dev.forgesync.requests.publish;

import java.time.Instant;

import dev.forgesync.requests.SyncRequest;

/**
 * A committed {@code webhook_events} row still to be published (the outbox entry): the request thread hands it over
 * after commit, the relay reads it back from rows left {@code processed = false}.
 */
public record PendingPublication(
        long eventRowId, long repositoryId, String fullName, String trigger, String deliveryId, Instant receivedAt) {

    SyncRequest toSyncRequest() {
        return SyncRequest.of(repositoryId, fullName, trigger, deliveryId, receivedAt);
    }
}
