package dev.forgesync.ingest.delivery;

import java.sql.Types;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

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

    /** A JSON {@code \\u0000} escape (not preceded by an odd run of backslashes), which jsonb cannot store. */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

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
                .param("payload", storable(delivery.payloadJson()))
                .param("signature", delivery.signature())
                .param("processed", processingError != null, Types.BOOLEAN)
                .param("processingError", processingError, Types.VARCHAR)
                .param("receivedAt", delivery.receivedAt().atOffset(ZoneOffset.UTC))
                .param("repositoryId", repositoryId, Types.INTEGER)
                .query(Long.class)
                .optional();
    }

    /**
     * The payload as jsonb accepts it: PostgreSQL refuses {@code \\u0000} in jsonb text, so each one becomes
     * U+FFFD instead of failing the delivery (the signature was checked on the raw bytes already).
     */
    static String storable(String json) {
        if (!json.contains("\\u0000")) {
            return json;
        }
        return NUL_ESCAPE.matcher(json).replaceAll("$1\\\\ufffd");
    }
}
