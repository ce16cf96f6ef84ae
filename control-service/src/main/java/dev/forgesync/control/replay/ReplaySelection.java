package dev.forgesync.control.replay;

import java.time.Instant;
import java.util.List;

/**
 * Which stored {@code webhook_events} to replay: the given delivery ids, or every event received in
 * {@code [since, until)}. With {@code force} the requests carry the replay's own time (so the workers sync even when
 * a later sync satisfied the original event) and the repositories are re-armed as a new event would; without it each
 * request carries its event's {@code received_at}, exactly as first published.
 */
public record ReplaySelection(List<String> deliveryIds, Instant since, Instant until, boolean force) {

    public static final int MAX_DELIVERY_ID_LENGTH = 100;

    public ReplaySelection {
        deliveryIds = deliveryIds == null ? List.of() : List.copyOf(deliveryIds);
        boolean byIds = !deliveryIds.isEmpty();
        boolean byRange = since != null || until != null;
        if (byIds == byRange) {
            throw new InvalidReplayException(
                    "give either deliveryIds or a time range (since and until), not " + (byIds ? "both" : "neither"));
        }
        if (byRange && (since == null || until == null)) {
            throw new InvalidReplayException("a time range needs both since and until");
        }
        if (byRange && !since.isBefore(until)) {
            throw new InvalidReplayException("since must be before until");
        }
        for (String id : deliveryIds) {
            if (id == null || id.isBlank() || id.length() > MAX_DELIVERY_ID_LENGTH) {
                throw new InvalidReplayException("every delivery id must be 1 to " + MAX_DELIVERY_ID_LENGTH + " characters");
            }
        }
    }

    public boolean byDeliveryIds() {
        return !deliveryIds.isEmpty();
    }
}
