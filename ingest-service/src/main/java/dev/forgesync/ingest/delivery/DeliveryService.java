package dev.forgesync.ingest.delivery;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.ingest.github.EventIntent;
import dev.forgesync.ingest.publish.PendingPublication;
import dev.forgesync.ingest.publish.SyncRequestPublisher;

/**
 * Stores one delivery and its effect on {@code repositories} in one transaction, then hands the sync request to the
 * publisher after the commit. The committed row is the durability: the answer never waits for Kafka, and a request
 * the publisher could not send is published by the relay.
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    private final TransactionTemplate transaction;
    private final WebhookEventStore events;
    private final RepositoryRegistry repositories;
    private final SyncRequestPublisher publisher;

    DeliveryService(TransactionTemplate transaction, WebhookEventStore events, RepositoryRegistry repositories,
            SyncRequestPublisher publisher) {
        this.transaction = transaction;
        this.events = events;
        this.repositories = repositories;
        this.publisher = publisher;
    }

    public DeliveryOutcome receive(IncomingDelivery delivery) {
        Stored stored = transaction.execute(status -> store(delivery, status));
        if (stored.publication() != null) {
            publisher.publishAfterCommit(stored.publication());
        }
        log.info("delivery {} event {}: {}{}", delivery.deliveryId(), delivery.event(), stored.outcome().name(),
                stored.outcome().reason() == null ? "" : " (" + stored.outcome().reason() + ")");
        return stored.outcome();
    }

    private Stored store(IncomingDelivery delivery, TransactionStatus status) {
        EventIntent intent = delivery.intent();
        if (intent instanceof EventIntent.Sync sync) {
            return storeSync(delivery, sync, status);
        }
        if (intent instanceof EventIntent.StopSyncing stop) {
            Long repositoryId = repositories.stopSyncing(stop.repository(), stop.reason()).orElse(null);
            String reason = stop.reason() + (repositoryId == null ? ": repository not registered" : ": syncing stopped, mirror kept");
            return storeFinal(delivery, repositoryId, reason, new DeliveryOutcome.Stopped(delivery.deliveryId(), reason), status);
        }
        if (intent instanceof EventIntent.Ignore ignore) {
            return storeFinal(delivery, null, "ignored: " + ignore.reason(),
                    new DeliveryOutcome.Ignored(delivery.deliveryId(), ignore.reason()), status);
        }
        EventIntent.Invalid invalid = (EventIntent.Invalid) intent;
        return storeFinal(delivery, null, "invalid: " + invalid.reason(),
                new DeliveryOutcome.Invalid(delivery.deliveryId(), invalid.reason()), status);
    }

    private Stored storeSync(IncomingDelivery delivery, EventIntent.Sync sync, TransactionStatus status) {
        long repositoryId = repositories.registerOrRearm(sync.repository(), sync.refresh());
        Optional<Long> row = events.insert(delivery, repositoryId, null);
        if (row.isEmpty()) {
            return duplicate(delivery, status);
        }
        var publication = new PendingPublication(row.get(), repositoryId, sync.repository().fullName(),
                delivery.event(), delivery.deliveryId(), delivery.receivedAt());
        return new Stored(new DeliveryOutcome.Accepted(delivery.deliveryId(), repositoryId), publication);
    }

    private Stored storeFinal(IncomingDelivery delivery, Long repositoryId, String processingError,
            DeliveryOutcome outcome, TransactionStatus status) {
        if (events.insert(delivery, repositoryId, processingError).isEmpty()) {
            return duplicate(delivery, status);
        }
        return new Stored(outcome, null);
    }

    /** A redelivery: undo the effect applied before the insert found the delivery id taken. */
    private static Stored duplicate(IncomingDelivery delivery, TransactionStatus status) {
        status.setRollbackOnly();
        return new Stored(new DeliveryOutcome.Duplicate(delivery.deliveryId()), null);
    }

    private record Stored(DeliveryOutcome outcome, PendingPublication publication) {
    }
}
