package dev.forgesync.requests.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.schema.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Sends sync requests to {@code forgesync.sync-requests}. Two callers: request threads after their commit
 * ({@link #publishAllAfterCommit}, fire and forget on a bounded executor so an HTTP answer never waits for Kafka), and
 * the relay ({@link #send}, which waits for the acks itself). Kafka types stay in this package.
 */
@Component
public class SyncRequestPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SyncRequestPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final PublishedMarker marker;
    private final Duration brokerDownBackoff;
    private final long handOverNanos;
    /** Rows of after-commit publishes sent and not yet marked processed: the relay leaves them alone. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor executor;
    private final Timer lag;
    private final Counter failures;
    private final Counter deferred;
    private volatile Instant lastFailure = Instant.EPOCH;

    SyncRequestPublisher(KafkaTemplate<String, byte[]> kafka, PublishedEvents published, PublishProperties properties,
            MeterRegistry meters) {
        this.kafka = kafka;
        this.marker = new PublishedMarker(published, inFlight::removeAll);
        this.brokerDownBackoff = properties.brokerDownBackoff();
        this.handOverNanos = properties.handOver().toNanos();
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(properties.queueCapacity()), r -> new Thread(r, "sync-request-publisher"),
                (task, pool) -> deferredTask(task));
        this.lag = Timer.builder("forgesync.publish.lag")
                .description("Time from receiving a webhook to the broker's ack of its sync request")
                .publishPercentileHistogram().register(meters);
        this.failures = Counter.builder("forgesync.publish.failures").register(meters);
        this.deferred = Counter.builder("forgesync.publish.deferred")
                .description("After-commit publishes left to the relay (broker down, queue full, hand-over passed)")
                .register(meters);
    }

    /**
     * Publishes the accepted requests of one commit after it, as one task of the publisher thread, and marks each row
     * processed on its ack; failures are left to the relay. {@code startedNanos} is {@link System#nanoTime()} taken
     * before the transaction began: a request the thread gets to later than {@code forgesync.publish.hand-over} after
     * it (or while the broker is known to be down) is left to the relay instead. That bounds when a send starts; the
     * row's {@code relay_after} ({@link PublishBudget}) adds the send's and the mark's bounds, and no relay claims the
     * row before it.
     */
    public void publishAllAfterCommit(List<PendingPublication> pendings, long startedNanos) {
        if (brokerRecentlyFailed()) {
            deferred.increment(pendings.size());
            return;
        }
        executor.execute(new PublishTask(pendings, startedNanos));
    }

    /** Sends each request not handed over yet and marks its row processed on the ack. */
    private final class PublishTask implements Runnable {

        private final List<PendingPublication> pendings;
        private final long startedNanos;

        PublishTask(List<PendingPublication> pendings, long startedNanos) {
            this.pendings = pendings;
            this.startedNanos = startedNanos;
        }

        @Override
        public void run() {
            for (int i = 0; i < pendings.size(); i++) {
                if (handedOver()) {
                    deferred.increment(pendings.size() - i);
                    return;
                }
                sendOutboxRow(pendings.get(i));
            }
        }

        /** Checked before each send, when it happens: the relay may own these rows by now. */
        private boolean handedOver() {
            return brokerRecentlyFailed() || System.nanoTime() - startedNanos > handOverNanos;
        }
    }

    private void deferredTask(Runnable task) {
        deferred.increment(task instanceof PublishTask publish ? publish.pendings.size() : 1);
    }

    /**
     * Sends the request of a committed outbox row now and marks the row processed on the broker's ack; until then
     * the row is {@link #inFlight} and the relay leaves it alone. The future completes on the ack.
     */
    public CompletableFuture<Boolean> sendOutboxRow(PendingPublication pending) {
        long eventRowId = pending.eventRowId();
        inFlight.add(eventRowId);
        return send(pending).thenApply(acked -> {
            if (acked) {
                marker.acknowledged(eventRowId);
            } else {
                inFlight.remove(eventRowId);
            }
            return acked;
        });
    }

    /** Sends one request; the future completes on the broker's ack (it never completes exceptionally). */
    public CompletableFuture<Boolean> send(PendingPublication pending) {
        ProducerRecord<String, byte[]> record = record(pending);
        try {
            return kafka.send(record).handle((result, failure) -> acknowledged(pending, failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(acknowledged(pending, e));
        }
    }

    /**
     * True while an after-commit publish of this row is between its send and its row's mark: this process's relay
     * does not send it too, even past the row's {@code relay_after}.
     */
    public boolean inFlight(long eventRowId) {
        return inFlight.contains(eventRowId);
    }

    /** True when a publish failed within the broker-down back-off: callers leave work to the relay. */
    public boolean brokerRecentlyFailed() {
        return lastFailure.plus(brokerDownBackoff).isAfter(Instant.now());
    }

    private boolean acknowledged(PendingPublication pending, Throwable failure) {
        if (failure != null) {
            lastFailure = Instant.now();
            failures.increment();
            log.warn("delivery {} event row {}: publish failed, the relay will retry: {}",
                    pending.deliveryId(), pending.eventRowId(), failure.toString());
            return false;
        }
        lag.record(Duration.between(pending.receivedAt(), Instant.now()));
        return true;
    }

    private static ProducerRecord<String, byte[]> record(PendingPublication pending) {
        var request = pending.toSyncRequest();
        var record = new ProducerRecord<>(Topics.SYNC_REQUESTS, request.key(), SyncRequestCodec.toBytes(request));
        if (pending.deliveryId() != null) {
            record.headers().add(Topics.HEADER_DELIVERY_ID, pending.deliveryId().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }


    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        marker.close();
    }
}
