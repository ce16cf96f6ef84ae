package dev.forgesync.ingest.ops;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.ingest.publish.PendingPublication;
import dev.forgesync.ingest.publish.SyncRequestPublisher;

/**
 * An operator's resync and retry of one repository. The re-arm and an outbox row in {@code webhook_events}
 * ({@code event_type} {@code resync} or {@code retry}, {@code event_id} {@code ops-<trigger>-<uuid>}) commit together;
 * the sync request is published after the commit through the webhook path, so a Kafka outage leaves the row to the
 * outbox relay instead of losing the request. The outbox row is also the audit record of the operator's action.
 */
@Component
class RepositoryActions {

    private static final Logger log = LoggerFactory.getLogger(RepositoryActions.class);

    private static final String LOCK = """
            SELECT id, github_full_name, sync_status FROM repositories WHERE id = :id FOR UPDATE""";

    /** Resync: the contract's re-arm; a pending or in-progress row is left alone (its request is still published). */
    private static final String REARM = """
            UPDATE repositories SET sync_status = 'pending', retry_count = 0, next_retry_at = NULL
            WHERE id = :id AND sync_status IN ('completed', 'failed', 'permanent_failure')""";

    private static final String REARM_PERMANENT = """
            UPDATE repositories SET sync_status = 'pending', retry_count = 0, next_retry_at = NULL
            WHERE id = :id AND sync_status = 'permanent_failure'""";

    private static final String OUTBOX = """
            INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                        received_at, repository_id)
            VALUES (:eventId, :trigger, :eventId,
                    jsonb_build_object('action', CAST(:trigger AS text), 'source', 'ops-api',
                                       'repository', jsonb_build_object('id', CAST(:id AS bigint),
                                                                        'full_name', CAST(:fullName AS text))),
                    'none: operator request', FALSE, :receivedAt, :id)
            RETURNING id""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SyncRequestPublisher publisher;

    RepositoryActions(JdbcClient jdbc, TransactionTemplate transaction, SyncRequestPublisher publisher) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.publisher = publisher;
    }

    /** What an action did: the status before, whether the row was re-armed, the request's outbox id. */
    record Requested(long repositoryId, String fullName, String previousStatus, boolean rearmed, String trigger,
            String requestId) {
    }

    private record Row(long id, String githubFullName, String syncStatus) {
    }

    Requested resync(long id) {
        return request(id, "resync", REARM, false);
    }

    /** Only from {@code permanent_failure}; anything else is a {@code 409}. */
    Requested retry(long id) {
        return request(id, "retry", REARM_PERMANENT, true);
    }

    private Requested request(long id, String trigger, String rearm, boolean mustRearm) {
        Instant now = Instant.now();
        String eventId = "ops-" + trigger + "-" + UUID.randomUUID();
        Stored stored = transaction.execute(status -> {
            Row row = lock(id).orElseThrow(() -> OpsRejection.notFound("repository " + id + " does not exist"));
            boolean rearmed = jdbc.sql(rearm).param("id", id).update() == 1;
            if (mustRearm && !rearmed) {
                throw new OpsRejection(HttpStatus.CONFLICT, "conflict", "repository " + id + " is "
                        + row.syncStatus() + "; retry applies to permanent_failure only (resync re-arms any final state)");
            }
            long eventRowId = jdbc.sql(OUTBOX).param("eventId", eventId).param("trigger", trigger).param("id", id)
                    .param("fullName", row.githubFullName()).param("receivedAt", now.atOffset(ZoneOffset.UTC))
                    .query(Long.class).single();
            return new Stored(row, rearmed, eventRowId);
        });
        publisher.publishAfterCommit(new PendingPublication(stored.eventRowId(), id, stored.row().githubFullName(),
                trigger, eventId, now));
        log.info("repository {} {} requested by an operator: was {}, re-armed {}, request {}", id, trigger,
                stored.row().syncStatus(), stored.rearmed(), eventId);
        return new Requested(id, stored.row().githubFullName(), stored.row().syncStatus(), stored.rearmed(), trigger,
                eventId);
    }

    private Optional<Row> lock(long id) {
        return jdbc.sql(LOCK).param("id", id).query(OpsQueries.mapper(Row.class)).optional();
    }

    private record Stored(Row row, boolean rearmed, long eventRowId) {
    }
}
