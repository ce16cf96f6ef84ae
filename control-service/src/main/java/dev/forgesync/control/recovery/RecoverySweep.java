package dev.forgesync.control.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.outbox.SyncRequestOutbox;
import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import dev.forgesync.requests.relay.DedicatedLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Nothing stays stranded: a repository left {@code pending} with no request anywhere (its request dead-lettered while
 * the database was down, say), {@code in_progress} with a dead claim (no heartbeat for longer than a sync can go
 * without one), or {@code failed} with a retry long overdue, gets a new request (trigger {@code recovery}) through the
 * outbox. The row is touched in the same transaction that writes the request ({@code updated_at}, or
 * {@code next_retry_at} for a failed one), so it is not requested again before the threshold passes again. Rows are
 * taken with {@code FOR UPDATE SKIP LOCKED}, so several instances share the sweep; a sweep takes a bounded batch. It
 * runs on its own thread ({@code recovery-sweep}).
 */
@Component
@EnableConfigurationProperties(RecoveryProperties.class)
@ConditionalOnProperty(prefix = "forgesync.recovery", name = "enabled", matchIfMissing = true)
class RecoverySweep extends DedicatedLoop {

    private static final Logger log = LoggerFactory.getLogger(RecoverySweep.class);

    static final String TRIGGER = "recovery";

    private static final String STRANDED = """
            SELECT r.id, r.sync_status FROM repositories r
            WHERE r.metadata -> 'sync_stopped' IS NULL
              AND ((r.sync_status = 'pending' AND r.updated_at < NOW() - CAST(:pendingAfter AS interval)
                    AND NOT EXISTS (SELECT 1 FROM webhook_events we
                                    WHERE we.repository_id = r.id AND we.processed = FALSE))
                OR (r.sync_status = 'in_progress' AND r.updated_at < NOW() - CAST(:inProgressAfter AS interval))
                OR (r.sync_status = 'failed' AND r.next_retry_at < NOW() - CAST(:failedOverdue AS interval)))
            ORDER BY r.updated_at
            LIMIT :limit
            FOR UPDATE OF r SKIP LOCKED""";

    /**
     * Touches the taken rows (the trigger sets {@code updated_at}): a dead claim goes back to {@code pending}, an
     * overdue retry is due now.
     */
    private static final String TOUCH = """
            UPDATE repositories
            SET sync_status = CASE sync_status WHEN 'in_progress' THEN 'pending' ELSE sync_status END,
                next_retry_at = CASE sync_status WHEN 'failed' THEN NOW() ELSE next_retry_at END
            WHERE id = ANY(:ids)""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SyncRequestOutbox outbox;
    private final SyncRequestPublisher publisher;
    private final RecoveryProperties properties;
    private final MeterRegistry meters;

    RecoverySweep(JdbcClient jdbc, TransactionTemplate transaction, SyncRequestOutbox outbox,
            SyncRequestPublisher publisher, RecoveryProperties properties, MeterRegistry meters) {
        super("recovery-sweep", properties.interval());
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.outbox = outbox;
        this.publisher = publisher;
        this.properties = properties;
        this.meters = meters;
    }

    @Override
    protected void run() {
        long startedNanos = System.nanoTime();
        List<PendingPublication> requests = transaction.execute(status -> requestStranded());
        if (requests != null && !requests.isEmpty()) {
            publisher.publishAllAfterCommit(requests, startedNanos);
        }
    }

    /** One transaction: take a batch of stranded rows, touch them, write a request for each. */
    List<PendingPublication> requestStranded() {
        List<Stranded> stranded = jdbc.sql(STRANDED)
                .param("pendingAfter", interval(properties.pendingAfter()))
                .param("inProgressAfter", interval(properties.inProgressAfter()))
                .param("failedOverdue", interval(properties.failedOverdue()))
                .param("limit", properties.batchSize())
                .query(Stranded.class).list();
        if (stranded.isEmpty()) {
            return List.of();
        }
        jdbc.sql(TOUCH).param("ids", new SqlArrayValue("integer", stranded.stream().map(Stranded::id).toArray()))
                .update();
        List<PendingPublication> requests = new ArrayList<>(stranded.size());
        for (Stranded row : stranded) {
            Optional<SyncRequestOutbox.Requested> requested = outbox.request(
                    new SyncRequestOutbox.Request(row.id(), TRIGGER, "sweep", null, List.of()));
            requested.ifPresent(done -> requests.add(done.publication()));
            counter(row.syncStatus()).increment();
            log.warn("repository {} was {} with no live request: requested again ({})", row.id(), row.syncStatus(),
                    requested.map(done -> done.publication().deliveryId()).orElse("gone"));
        }
        return requests;
    }

    private Counter counter(String status) {
        return Counter.builder("forgesync.recovery.requests")
                .description("Repositories requested again because their request was lost (by the status they were in)")
                .tag("status", status)
                .register(meters);
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }

    private record Stranded(long id, String syncStatus) {
    }
}
