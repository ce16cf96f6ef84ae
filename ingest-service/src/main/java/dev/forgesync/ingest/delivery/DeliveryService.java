package dev.forgesync.ingest.delivery;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.ingest.github.EventIntent;
import dev.forgesync.ingest.github.GithubRepository;
import dev.forgesync.requests.database.DatabaseFailures;
import dev.forgesync.requests.outbox.WebhookEventStore;
import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Stores deliveries and their effect on {@code repositories}, then hands the sync requests to the publisher after
 * the commit. The committed row is the durability: an answer never comes before its commit and never waits for
 * Kafka; a request the publisher could not send is published by the relay.
 *
 * <p>Group commit: a request thread queues its delivery and waits; writer threads take everything queued meanwhile
 * (up to {@code forgesync.store.max-batch}) and store it in one transaction with a fixed number of statements (which
 * delivery ids are stored already, the repositories' effects, one multi-row INSERT), then answer each request. Under
 * load many deliveries share one commit and a handful of round trips; alone, a delivery is a batch of one. A batch
 * keeps the one-at-a-time rules: a duplicate delivery id changes nothing (not even its neighbours: the registry's
 * effects are applied only for the new ones), effects apply in arrival order, a delivery whose storing fails for its
 * own reasons is retried alone so it cannot fail the others, and a database that cannot be reached fails the batch
 * promptly (503).
 */
@Service
@EnableConfigurationProperties(StoreProperties.class)
public class DeliveryService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    /** A batch that met a concurrent transaction is stored, at most this often. */
    private static final int RACE_RETRIES = 3;

    private final TransactionTemplate transaction;
    private final WebhookEventStore events;
    private final RepositoryRegistry repositories;
    private final SyncRequestPublisher publisher;
    private final StoreProperties properties;
    private final BlockingQueue<Queued> queue;
    private final DistributionSummary batchSizes;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    DeliveryService(TransactionTemplate transaction, WebhookEventStore events, RepositoryRegistry repositories,
            SyncRequestPublisher publisher, StoreProperties properties, MeterRegistry meters) {
        this.transaction = transaction;
        this.events = events;
        this.repositories = repositories;
        this.publisher = publisher;
        this.properties = properties;
        this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
        this.batchSizes = DistributionSummary.builder("forgesync.store.batch.size")
                .description("Deliveries stored per transaction (group commit)").register(meters);
        Gauge.builder("forgesync.store.queue", queue, BlockingQueue::size)
                .description("Deliveries waiting for a writer").register(meters);
        for (int i = 0; i < properties.writers(); i++) {
            Thread writer = new Thread(this::write, "delivery-writer-" + i);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    /**
     * Stores the delivery (with whatever else is being stored at the time) and returns what it came to once that is
     * committed. Throws a data-access exception the endpoint answers with 503 when the database cannot be reached,
     * the queue is full or the commit does not come within {@code forgesync.store.timeout}.
     */
    public DeliveryOutcome receive(IncomingDelivery delivery) {
        var queued = new Queued(delivery, new CompletableFuture<>());
        if (!running || !queue.offer(queued)) {
            throw new TransientDataAccessResourceException(
                    running ? "the store queue is full (" + properties.queueCapacity() + " deliveries waiting)"
                            : "the service is stopping");
        }
        DeliveryOutcome outcome = await(queued);
        log.info("delivery {} event {}: {}{}", delivery.deliveryId(), delivery.event(), outcome.name(),
                outcome.reason() == null ? "" : " (" + outcome.reason() + ")");
        return outcome;
    }

    private DeliveryOutcome await(Queued queued) {
        try {
            return queued.answer().get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new QueryTimeoutException("the delivery was not committed within " + properties.timeout()
                    + (withdraw(queued) ? " and was withdrawn: it is not stored"
                            : "; a redelivery finds it if it was committed later"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(queued);
            throw new TransientDataAccessResourceException("interrupted while the delivery was stored", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The request gives up (it is answered 503): a delivery no writer has taken yet leaves the queue with it. So the
     * queue holds only deliveries someone waits for, and the payloads in it are bounded by the requests in flight
     * (whose bodies the endpoint's budget bounds), not kept alive by requests long gone when the database is slow.
     * The 503 then means what it says, not stored, and GitHub's redelivery is stored as new; storing it anyway would
     * be work for a database that is already behind, for an answer nobody reads. A delivery a writer has taken is
     * stored with its batch, and the redelivery is then answered 200 duplicate.
     */
    private boolean withdraw(Queued queued) {
        return queue.remove(queued);
    }

    // ---- writer threads ----

    private void write() {
        List<Queued> batch = new ArrayList<>(properties.maxBatch());
        while (running || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, properties.maxBatch() - 1);
                batchSizes.record(batch.size());
                store(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // store() answers every delivery itself; this is a last resort so no request waits for nothing.
                log.error("delivery writer: a batch of {} failed unexpectedly", batch.size(), e);
                batch.forEach(queued -> queued.answer().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Stores a batch and answers each of its deliveries. A race with another transaction (a deadlock, a serialization
     * failure, a unique or foreign-key violation such as the archive job deleting a repository between this
     * transaction's read and its write) is stored again from the start, in a fresh transaction that resolves the
     * repositories again; a batch that still fails is stored one delivery at a time, each with the same chances.
     */
    private void store(List<Queued> batch) {
        RuntimeException failure = storeWithRetries(batch);
        if (failure == null) {
            return;
        }
        if (DatabaseFailures.unavailable(failure)) {
            batch.forEach(queued -> queued.answer().completeExceptionally(failure));
        } else if (batch.size() > 1) {
            log.warn("a batch of {} deliveries failed, storing them one at a time: {}", batch.size(),
                    failure.toString());
            batch.forEach(queued -> store(List.of(queued)));
        } else if (DatabaseFailures.refusedPayload(failure)) {
            storeRefused(batch.get(0), failure);
        } else {
            notStored(batch.get(0), failure);
        }
    }

    /** Null once stored and answered, else the last failure (a race is retried, other failures are returned). */
    private RuntimeException storeWithRetries(List<Queued> batch) {
        Stored stored = null;
        for (int attempt = 1; stored == null; attempt++) {
            try {
                stored = transaction.execute(status -> storeAll(batch));
            } catch (RuntimeException e) {
                if (attempt >= RACE_RETRIES || !(e instanceof ConcurrentDuplicate || DatabaseFailures.race(e))) {
                    return e;
                }
                log.debug("batch of {} met a concurrent transaction, storing it again: {}", batch.size(), e.toString());
            }
        }
        if (!stored.publications().isEmpty()) {
            publisher.publishAllAfterCommit(stored.publications(), stored.startedNanos());
        }
        stored.outcomes().forEach((queued, outcome) -> queued.answer().complete(outcome));
        return null;
    }

    /**
     * A delivery whose payload the database refuses (a value it cannot hold: SQLSTATE class 22) is still stored, as
     * invalid with that reason and without its effect: nothing is lost, an operator sees why, and a redelivery after
     * a fix stores it again. Only when even that fails is the request answered with an error.
     */
    private void storeRefused(Queued queued, RuntimeException refusal) {
        IncomingDelivery delivery = queued.delivery();
        String reason = "the database refused its effect: " + DatabaseFailures.databaseReason(refusal);
        log.warn("delivery {} event {}: {}", delivery.deliveryId(), delivery.event(), reason);
        try {
            DeliveryOutcome outcome = transaction.execute(status -> events.insertAll(
                    List.of(row(delivery, null, WebhookEventStore.INVALID + reason))).isEmpty()
                    ? new DeliveryOutcome.Duplicate(delivery.deliveryId())
                    : new DeliveryOutcome.Invalid(delivery.deliveryId(), reason));
            queued.answer().complete(outcome);
        } catch (RuntimeException e) {
            notStored(queued, refusal);
        }
    }

    /**
     * Not stored for a reason that is not the payload's (a race that outlasted the retries, an unexpected error): the
     * request is answered 503, so GitHub records a failed delivery that can be redelivered.
     */
    private void notStored(Queued queued, RuntimeException failure) {
        IncomingDelivery delivery = queued.delivery();
        log.warn("delivery {} event {}: could not be stored, answered 503: {}", delivery.deliveryId(),
                delivery.event(), DatabaseFailures.databaseReason(failure), failure);
        queued.answer().completeExceptionally(new TransientDataAccessResourceException(
                "the delivery could not be stored: " + DatabaseFailures.databaseReason(failure), failure));
    }

    /** One transaction: which ids are new, their effects in arrival order, their rows in one INSERT. */
    private Stored storeAll(List<Queued> batch) {
        long startedNanos = System.nanoTime();
        List<Queued> fresh = fresh(batch);
        Map<Queued, Effect> effects = applyEffects(fresh);
        Map<String, WebhookEventStore.Stored> inserted = insertRows(fresh, effects);
        Map<Queued, DeliveryOutcome> outcomes = new IdentityHashMap<>();
        List<PendingPublication> publications = new ArrayList<>();
        for (Queued queued : batch) {
            Effect effect = effects.get(queued);
            if (effect == null) {
                outcomes.put(queued, new DeliveryOutcome.Duplicate(queued.delivery().deliveryId()));
                continue;
            }
            outcomes.put(queued, effect.outcome());
            if (effect.outcome() instanceof DeliveryOutcome.Accepted accepted) {
                String deliveryId = queued.delivery().deliveryId();
                publications.add(publication(queued.delivery(), accepted, inserted.get(deliveryId)));
            }
        }
        return new Stored(outcomes, publications, startedNanos);
    }

    /** The first delivery of each id not stored for good yet (a redelivered {@code invalid} one is stored again). */
    private List<Queued> fresh(List<Queued> batch) {
        Map<String, Queued> firsts = new LinkedHashMap<>();
        for (Queued queued : batch) {
            firsts.putIfAbsent(queued.delivery().deliveryId(), queued);
        }
        Set<String> storedBefore = events.stored(firsts.keySet());
        return firsts.values().stream()
                .filter(queued -> !storedBefore.contains(queued.delivery().deliveryId())).toList();
    }

    private Map<String, WebhookEventStore.Stored> insertRows(List<Queued> fresh, Map<Queued, Effect> effects) {
        if (fresh.isEmpty()) {
            return Map.of();
        }
        List<WebhookEventStore.Row> rows = new ArrayList<>(fresh.size());
        for (Queued queued : fresh) {
            Effect effect = effects.get(queued);
            rows.add(row(queued.delivery(), effect.repositoryId(), effect.processingError()));
        }
        Map<String, WebhookEventStore.Stored> inserted = events.insertAll(rows);
        if (inserted.size() != rows.size()) {
            // Another transaction stored one of these ids after the check above: the effects applied for it must
            // not stay, so the whole batch is rolled back and stored again (the check then finds that id).
            throw new ConcurrentDuplicate();
        }
        return inserted;
    }

    private static PendingPublication publication(IncomingDelivery delivery, DeliveryOutcome.Accepted accepted,
            WebhookEventStore.Stored row) {
        return new PendingPublication(row.id(), accepted.repositoryId(),
                ((EventIntent.Sync) delivery.intent()).repository().fullName(), delivery.event(),
                delivery.deliveryId(), row.receivedAt());
    }

    /**
     * Each new delivery's effect on {@code repositories}, in arrival order. Consecutive plain syncs (the common case:
     * pushes and stars) touch the registry together; renames, transfers and deletions one at a time, in their place.
     */
    private Map<Queued, Effect> applyEffects(List<Queued> fresh) {
        Map<Queued, Effect> effects = new IdentityHashMap<>();
        List<Queued> plainSyncs = new ArrayList<>();
        for (Queued queued : fresh) {
            IncomingDelivery delivery = queued.delivery();
            EventIntent intent = delivery.intent();
            if (intent instanceof EventIntent.Sync sync && !sync.refresh()) {
                plainSyncs.add(queued);
                continue;
            }
            registerAll(plainSyncs, effects);
            effects.put(queued, effect(delivery, intent));
        }
        registerAll(plainSyncs, effects);
        return effects;
    }

    /** The effect of a delivery that is not a plain sync. */
    private Effect effect(IncomingDelivery delivery, EventIntent intent) {
        if (intent instanceof EventIntent.Sync sync) {
            long githubRepoId = sync.repository().githubRepoId();
            return accepted(delivery, repositories.registerOrRearmAll(List.of(sync.repository()), true).get(githubRepoId));
        }
        if (intent instanceof EventIntent.StopSyncing stop) {
            Long repositoryId = repositories.stopSyncing(stop.repository(), stop.reason()).orElse(null);
            String reason = stop.reason() + (repositoryId == null ? ": repository not registered" : ": syncing stopped, mirror kept");
            return new Effect(repositoryId, reason, new DeliveryOutcome.Stopped(delivery.deliveryId(), reason));
        }
        if (intent instanceof EventIntent.Ignore ignore) {
            return new Effect(null, "ignored: " + ignore.reason(), new DeliveryOutcome.Ignored(delivery.deliveryId(), ignore.reason()));
        }
        EventIntent.Invalid invalid = (EventIntent.Invalid) intent;
        return new Effect(null, "invalid: " + invalid.reason(), new DeliveryOutcome.Invalid(delivery.deliveryId(), invalid.reason()));
    }

    private void registerAll(List<Queued> plainSyncs, Map<Queued, Effect> effects) {
        if (plainSyncs.isEmpty()) {
            return;
        }
        Map<Long, Long> ids = repositories.registerOrRearmAll(
                plainSyncs.stream().map(DeliveryService::repository).toList(), false);
        for (Queued queued : plainSyncs) {
            effects.put(queued, accepted(queued.delivery(), ids.get(repository(queued).githubRepoId())));
        }
        plainSyncs.clear();
    }

    private static GithubRepository repository(Queued queued) {
        return ((EventIntent.Sync) queued.delivery().intent()).repository();
    }

    private static Effect accepted(IncomingDelivery delivery, long repositoryId) {
        return new Effect(repositoryId, null, new DeliveryOutcome.Accepted(delivery.deliveryId(), repositoryId));
    }

    @Override
    public void destroy() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(properties.timeout().toMillis());
        }
    }

    /**
     * A delivery waiting for its batch's commit. Its equality includes the future's (identity), so
     * {@link #withdraw} removes this very entry, never a twin with the same delivery id.
     */
    private record Queued(IncomingDelivery delivery, CompletableFuture<DeliveryOutcome> answer) {
    }

    /** What a new delivery does: its row's repository and processing error, and its outcome. */
    private record Effect(Long repositoryId, String processingError, DeliveryOutcome outcome) {
    }

    /** A committed batch: each delivery's outcome, the requests to publish, and when its transaction started. */
    private record Stored(Map<Queued, DeliveryOutcome> outcomes, List<PendingPublication> publications,
            long startedNanos) {
    }

    /** One of the batch's delivery ids was inserted by a concurrent transaction after this one checked it. */
    private static final class ConcurrentDuplicate extends RuntimeException {
        ConcurrentDuplicate() {
            super("a delivery id of the batch was stored concurrently", null, false, false);
        }
    }

    /** The outbox row of a GitHub delivery: its delivery id is the event id. */
    private static WebhookEventStore.Row row(IncomingDelivery delivery, Long repositoryId, String processingError) {
        return new WebhookEventStore.Row(delivery.deliveryId(), delivery.event(), delivery.deliveryId(),
                delivery.payloadJson(), delivery.signature(), repositoryId, processingError);
    }
}
