package dev.forgesync.requests;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.forgesync.schema.Topics;

/**
 * A request to bring one repository's mirror up to date: the value of a {@link Topics#SYNC_REQUESTS} record.
 *
 * <p>It names the repository and why the sync was asked for; it never carries refs or commit lists, because a
 * sync mirrors the source's current state (GitHub truncates commit lists, and retries lose ordering).
 *
 * @param version      the JSON form's version, {@link #CURRENT_VERSION} when written by this code
 * @param requestId    unique per request, for tracing a request through logs and {@code sync_logs}
 * @param repositoryId {@code repositories.id}; also the record key, so one repository stays on one partition
 * @param fullName     {@code owner/repo} at the time of the request (informational: the worker reads the row)
 * @param trigger      what asked for the sync: a GitHub event name ({@code watch}, {@code push}, ...),
 *                     {@code resync} (an operator) or {@code replay}
 * @param deliveryId   the {@code X-GitHub-Delivery} that caused it, or {@code null}
 * @param requestedAt  when the request was made; a sync that started after this instant satisfies it
 */
public record SyncRequest(
        int version,
        UUID requestId,
        long repositoryId,
        String fullName,
        String trigger,
        String deliveryId,
        Instant requestedAt) {

    public static final int CURRENT_VERSION = 1;

    public SyncRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(fullName, "fullName");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (repositoryId <= 0) {
            throw new IllegalArgumentException("repositoryId must be positive: " + repositoryId);
        }
    }

    /** A request in the current JSON version, with a fresh id. */
    public static SyncRequest of(long repositoryId, String fullName, String trigger, String deliveryId, Instant requestedAt) {
        return new SyncRequest(CURRENT_VERSION, UUID.randomUUID(), repositoryId, fullName, trigger, deliveryId, requestedAt);
    }

    /** The record key: the repository id as text. */
    public String key() {
        return Long.toString(repositoryId);
    }
}
