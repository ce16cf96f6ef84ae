package dev.forgesync.ingest.delivery;

import java.time.Instant;

import dev.forgesync.ingest.github.EventIntent;

/**
 * A verified delivery ready to store: its headers, the payload as JSON text (already parsed once, so valid) and
 * what it asks for.
 */
public record IncomingDelivery(
        String deliveryId, String event, String signature, String payloadJson, EventIntent intent, Instant receivedAt) {

    @Override
    public String toString() {
        return "IncomingDelivery[" + deliveryId + " " + event + "]";
    }
}
