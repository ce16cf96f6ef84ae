package dev.forgesync.requests.outbox;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
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

import dev.forgesync.requests.publish.PublishBudget;

/**
 * {@code webhook_events}, the outbox, and its one writer: one row per event id, for GitHub's deliveries and for the
 * requests forgesync makes itself (an operator's resync, a forced replay, a recovery).
 *
 * <p>{@code received_at} is PostgreSQL's {@code NOW()} (the column's default), never a JVM's clock: the relay's grace
 * and the worker's "a sync that started after the request satisfies it" compare it with other database instants.
 * Every caller publishes its unprocessed rows after commit, so such a row gets {@code relay_after = NOW() +}
 * {@link PublishBudget#total()}, by the same clock: no relay, in this process or another, claims it while this
 * process's publisher may still send it. A row stored processed keeps {@code relay_after} NULL.
 *
 * <p>A delivery stored {@code invalid} is not final: a redelivery of its id is stored again (the row rewritten) rather
 * than answered {@code duplicate}, so a delivery refused by an older version, or for a reason since fixed, is
 * recovered by redelivering it from GitHub.
 */
@Component
public class WebhookEventStore {

    /** The {@code processing_error} prefix of a delivery that was stored without its effect. */
    public static final String INVALID = "invalid: ";

    private static final String INSERT_COLUMNS = """
            INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                        processing_error, processed_at, repository_id, relay_after)
            VALUES """;

    /** The last value is the publisher's budget as an interval, NULL for a row stored processed. */
    private static final String INSERT_ROW =
            "(?, ?, ?, CAST(? AS jsonb), ?, ?, ?, CASE WHEN ? THEN NOW() END, ?, NOW() + CAST(? AS interval))";

    /** An {@code invalid} row is rewritten by its redelivery; any other stored row stays as it is. */
    private static final String ON_CONFLICT = """
             ON CONFLICT (event_id) DO UPDATE
            SET event_type = EXCLUDED.event_type, payload = EXCLUDED.payload, signature = EXCLUDED.signature,
                processed = EXCLUDED.processed, processing_error = EXCLUDED.processing_error,
                received_at = EXCLUDED.received_at, processed_at = EXCLUDED.processed_at,
                repository_id = EXCLUDED.repository_id, relay_after = EXCLUDED.relay_after
            WHERE webhook_events.processing_error LIKE 'invalid: %'
            RETURNING id, event_id, received_at""";

    private static final String STORED = """
            SELECT event_id FROM webhook_events
            WHERE event_id = ANY(:ids) AND (processing_error IS NULL OR processing_error NOT LIKE 'invalid: %')""";

    /** A JSON {@code \\u0000} escape (not preceded by an odd run of backslashes), which jsonb cannot store. */
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private final JdbcClient jdbc;
    private final String publishBudget;

    WebhookEventStore(JdbcClient jdbc, PublishBudget budget) {
        this.jdbc = jdbc;
        this.publishBudget = budget.total().toMillis() + " milliseconds";
    }

    /**
     * One row: {@code processingError} non-null means the row is final ({@code processed = true}); null means a
     * sync request is still to be published.
     */
    public record Row(String eventId, String eventType, String deliveryId, String payloadJson, String signature,
            Long repositoryId, String processingError) {
    }

    /** A stored row: its id and PostgreSQL's {@code received_at}. */
    public record Stored(long id, Instant receivedAt) {
    }

    /** The event ids among these whose rows are stored for good (an {@code invalid} row is not). */
    public Set<String> stored(Collection<String> eventIds) {
        return new HashSet<>(jdbc.sql(STORED).param("ids", new SqlArrayValue("varchar", eventIds.toArray()))
                .query(String.class).list());
    }

    /**
     * Inserts the rows in one statement, in their order (so their ids follow arrival); an event id stored already is
     * skipped unless its row is {@code invalid}, which is rewritten. Returns the written rows by event id.
     */
    public Map<String, Stored> insertAll(List<Row> rows) {
        StringBuilder sql = new StringBuilder(INSERT_COLUMNS.length() + rows.size() * (INSERT_ROW.length() + 2) + 400)
                .append(INSERT_COLUMNS);
        List<Object> params = new ArrayList<>(rows.size() * 10);
        for (Row row : rows) {
            boolean processed = row.processingError() != null;
            sql.append(params.isEmpty() ? "" : ", ").append(INSERT_ROW);
            params.add(row.eventId());
            params.add(row.eventType());
            params.add(row.deliveryId());
            params.add(storable(row.payloadJson()));
            params.add(row.signature());
            params.add(processed);
            params.add(new SqlParameterValue(Types.VARCHAR, row.processingError()));
            params.add(processed);
            params.add(new SqlParameterValue(Types.INTEGER, row.repositoryId()));
            params.add(new SqlParameterValue(Types.VARCHAR, processed ? null : publishBudget));
        }
        sql.append(ON_CONFLICT);
        Map<String, Stored> inserted = new HashMap<>();
        jdbc.sql(sql.toString()).params(params).query((rs, n) -> inserted.put(rs.getString(2),
                new Stored(rs.getLong(1), rs.getObject(3, OffsetDateTime.class).toInstant()))).list();
        return inserted;
    }

    /** One row, which must be new (its event id unique): a request forgesync makes itself. */
    public Stored insert(Row row) {
        Stored stored = insertAll(List.of(row)).get(row.eventId());
        if (stored == null) {
            throw new IllegalStateException("event id " + row.eventId() + " is stored already");
        }
        return stored;
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
