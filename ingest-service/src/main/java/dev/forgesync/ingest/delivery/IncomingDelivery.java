package dev.forgesync.ingest.delivery;

import dev.forgesync.ingest.github.EventIntent;

/**
 * A verified delivery ready to store: its headers, the payload as JSON text (already parsed once, so valid) and
 * what it asks for. When it arrived is the database's to say ({@code webhook_events.received_at}), not this JVM's.
 */
public record IncomingDelivery(
        String deliveryId, String event, String signature, String payloadJson, EventIntent intent) {

    @Override
    public String toString() {
        return "IncomingDelivery[" + deliveryId + " " + event + "]";
    }
}
