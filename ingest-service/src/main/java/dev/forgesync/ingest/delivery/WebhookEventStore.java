package dev.forgesync.ingest.delivery;

import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** {@code webhook_events}, the outbox: one row per delivery id, written once. */
@Component
class WebhookEventStore {

    private static final String INSERT_COLUMNS = """
            INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                        processing_error, received_at, processed_at, repository_id)
            VALUES """;

    private static final String INSERT_ROW = "(?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, CASE WHEN ? THEN NOW() END, ?)";

    /** A JSON {@code \\u0000} escape (not preceded by an odd run of backslashes), which jsonb cannot store. */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private final JdbcClient jdbc;

    WebhookEventStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One row of a batch: {@code processingError} non-null means the row is final ({@code processed = true}); null
     * means a sync request is still to be published. */
    record Row(IncomingDelivery delivery, Long repositoryId, String processingError) {
    }

    /** The delivery ids among these that are stored already. */
    Set<String> stored(Collection<String> deliveryIds) {
        return new HashSet<>(jdbc.sql("SELECT event_id FROM webhook_events WHERE event_id = ANY(:ids)")
                .param("ids", new SqlArrayValue("varchar", deliveryIds.toArray())).query(String.class).list());
    }

    /**
     * Inserts the rows in one statement, in their order (so their ids follow arrival); a delivery id stored already
     * is skipped. Returns the new row id by delivery id.
     */
    Map<String, Long> insertAll(List<Row> rows) {
        StringBuilder sql = new StringBuilder(INSERT_COLUMNS.length() + rows.size() * (INSERT_ROW.length() + 2) + 64)
                .append(INSERT_COLUMNS);
        List<Object> params = new ArrayList<>(rows.size() * 10);
        for (Row row : rows) {
            IncomingDelivery delivery = row.delivery();
            boolean processed = row.processingError() != null;
            sql.append(params.isEmpty() ? "" : ", ").append(INSERT_ROW);
            params.add(delivery.deliveryId());
            params.add(delivery.event());
            params.add(delivery.deliveryId());
            params.add(storable(delivery.payloadJson()));
            params.add(delivery.signature());
            params.add(processed);
            params.add(new SqlParameterValue(Types.VARCHAR, row.processingError()));
            params.add(delivery.receivedAt().atOffset(ZoneOffset.UTC));
            params.add(processed);
            params.add(new SqlParameterValue(Types.INTEGER, row.repositoryId()));
        }
        sql.append(" ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id");
        Map<String, Long> inserted = new HashMap<>();
        jdbc.sql(sql.toString()).params(params).query((rs, n) -> inserted.put(rs.getString(2), rs.getLong(1))).list();
        return inserted;
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
