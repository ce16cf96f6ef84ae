package dev.forgesync.ingest.delivery;

import java.sql.Types;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** {@code webhook_events}, the outbox: one row per delivery id, written once. */
@Component
class WebhookEventStore {

    private static final String INSERT = """
            INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                        processing_error, received_at, processed_at, repository_id)
            VALUES (:deliveryId, :eventType, :deliveryId, CAST(:payload AS jsonb), :signature, :processed,
                    :processingError, :receivedAt, CASE WHEN :processed THEN NOW() END, :repositoryId)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING id""";

    private final JdbcClient jdbc;

    WebhookEventStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the delivery's row; empty when its delivery id is stored already. {@code processingError} non-null
     * means the row is final ({@code processed = true}); null means a sync request is still to be published.
     */
    Optional<Long> insert(IncomingDelivery delivery, Long repositoryId, String processingError) {
        return jdbc.sql(INSERT)
                .param("deliveryId", delivery.deliveryId())
                .param("eventType", delivery.event())
                .param("payload", delivery.payloadJson())
                .param("signature", delivery.signature())
                .param("processed", processingError != null, Types.BOOLEAN)
                .param("processingError", processingError, Types.VARCHAR)
                .param("receivedAt", delivery.receivedAt().atOffset(ZoneOffset.UTC))
                .param("repositoryId", repositoryId, Types.INTEGER)
                .query(Long.class)
                .optional();
    }
}
