package dev.forgesync.requests.outbox;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import dev.forgesync.schema.SyncStatus;

/**
 * The re-arm rule of the contract (DESIGN.md), its one statement: a new request turns a repository in a final state
 * ({@link SyncStatus#isFinal()}) back to {@code pending} with its retries reset; a pending or in-progress row is left
 * alone (its request is still to be served). A delivery, an operator's resync or retry, a forced replay all re-arm
 * through here.
 */
@Component
public class Rearm {

    /** Every final state: what a new request re-arms unless asked for fewer. */
    public static final List<SyncStatus> FROM_FINAL =
            Arrays.stream(SyncStatus.values()).filter(SyncStatus::isFinal).toList();

    private static final String REARM = """
            UPDATE repositories SET sync_status = 'pending', retry_count = 0, next_retry_at = NULL
            WHERE id = ANY(:ids) AND sync_status = ANY(:from)""";

    private final JdbcClient jdbc;

    /** Public for callers outside a Spring context (the workers' tests re-arm as ingest does). */
    public Rearm(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The final states as the database spells them, for a query that asks whether a row is re-armable. */
    public static SqlArrayValue finalStates() {
        return states(FROM_FINAL);
    }

    /**
     * Re-arms these rows from the given states (in id order, so concurrent callers lock rows in the same order);
     * returns how many rows changed.
     */
    public int rearm(Collection<Long> ids, Collection<SyncStatus> from) {
        return jdbc.sql(REARM)
                .param("ids", new SqlArrayValue("integer", ids.stream().distinct().sorted().toArray()))
                .param("from", states(from))
                .update();
    }

    private static SqlArrayValue states(Collection<SyncStatus> states) {
        return new SqlArrayValue("varchar", states.stream().map(SyncStatus::dbValue).toArray());
    }
}
