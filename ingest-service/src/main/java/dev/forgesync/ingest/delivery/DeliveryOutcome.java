package dev.forgesync.ingest.delivery;

/** What storing one delivery came to; {@link #name()} is the {@code outcome} of the HTTP answer and the metric tag. */
public sealed interface DeliveryOutcome {

    String deliveryId();

    String name();

    /** Null, or why the delivery was not turned into a sync request. */
    default String reason() {
        return null;
    }

    /** Stored, the repository registered or re-armed; a sync request follows after commit. */
    record Accepted(String deliveryId, long repositoryId) implements DeliveryOutcome {
        public String name() {
            return "accepted";
        }
    }

    /** The delivery id was stored before: nothing changed (a redelivery is not an error). */
    record Duplicate(String deliveryId) implements DeliveryOutcome {
        public String name() {
            return "duplicate";
        }
    }

    /** Stored and processed without a sync request: ping, an event forgesync does not act on. */
    record Ignored(String deliveryId, String reason) implements DeliveryOutcome {
        public String name() {
            return "ignored";
        }
    }

    /** Stored; syncing of the repository stopped (deleted on GitHub), its mirror kept. */
    record Stopped(String deliveryId, String reason) implements DeliveryOutcome {
        public String name() {
            return "stopped";
        }
    }

    /** Stored, but the payload lacks what its event needs. */
    record Invalid(String deliveryId, String reason) implements DeliveryOutcome {
        public String name() {
            return "invalid";
        }
    }
}
