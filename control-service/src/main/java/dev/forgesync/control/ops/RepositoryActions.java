package dev.forgesync.control.ops;

import java.util.Collection;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.outbox.Rearm;
import dev.forgesync.requests.outbox.SyncRequestOutbox;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import dev.forgesync.schema.SyncStatus;

/**
 * An operator's resync and retry of one repository, through {@link SyncRequestOutbox}: the re-arm and an outbox row
 * in {@code webhook_events} ({@code event_type} {@code resync} or {@code retry}, {@code event_id}
 * {@code ops-<trigger>-<uuid>}) commit together; the sync request is published after the commit, so a Kafka outage
 * leaves the row to the outbox relay instead of losing the request. The outbox row is also the audit record of the
 * operator's action.
 */
@Component
class RepositoryActions {

    private static final Logger log = LoggerFactory.getLogger(RepositoryActions.class);

    private static final String SOURCE = "ops";

    private final TransactionTemplate transaction;
    private final SyncRequestOutbox outbox;
    private final SyncRequestPublisher publisher;

    RepositoryActions(TransactionTemplate transaction, SyncRequestOutbox outbox, SyncRequestPublisher publisher) {
        this.transaction = transaction;
        this.outbox = outbox;
        this.publisher = publisher;
    }

    /** What an action did: the status before, whether the row was re-armed, the request's outbox id. */
    record Requested(long repositoryId, String fullName, String previousStatus, boolean rearmed, String trigger,
            String requestId) {
    }

    /** Re-arms any final state (the contract's rule); a pending or running repository just gets the request. */
    Requested resync(long id) {
        return request(id, "resync", Rearm.FROM_FINAL, false);
    }

    /** Only from {@code permanent_failure}; anything else is a {@code 409}. */
    Requested retry(long id) {
        return request(id, "retry", List.of(SyncStatus.PERMANENT_FAILURE), true);
    }

    private Requested request(long id, String trigger, Collection<SyncStatus> rearmFrom, boolean mustRearm) {
        long startedNanos = System.nanoTime();
        SyncRequestOutbox.Requested requested = transaction.execute(status -> {
            SyncRequestOutbox.Requested done = outbox.request(
                    new SyncRequestOutbox.Request(id, trigger, SOURCE, null, rearmFrom))
                    .orElseThrow(() -> OpsRejection.notFound("repository " + id + " does not exist"));
            if (mustRearm && !done.rearmed()) {
                throw new OpsRejection(HttpStatus.CONFLICT, "conflict", "repository " + id + " is "
                        + done.previousStatus() + "; retry applies to permanent_failure only (resync re-arms any final state)");
            }
            return done;
        });
        publisher.publishAllAfterCommit(List.of(requested.publication()), startedNanos);
        String requestId = requested.publication().deliveryId();
        log.info("repository {} {} requested by an operator: was {}, re-armed {}, request {}", id, trigger,
                requested.previousStatus(), requested.rearmed(), requestId);
        return new Requested(id, requested.fullName(), requested.previousStatus(), requested.rearmed(), trigger,
                requestId);
    }
}
