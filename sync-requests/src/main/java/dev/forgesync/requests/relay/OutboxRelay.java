package dev.forgesync.requests.relay;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.PublishProperties;
import dev.forgesync.requests.publish.PublishedEvents;
import dev.forgesync.requests.publish.SyncRequestPublisher;

/**
 * Publishes the sync requests of committed rows still {@code processed = false}: the broker was down, or the process
 * died between commit and publish. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} (several instances share the
 * work) and marked processed in the same transaction, only for the requests the broker acknowledged. A run stops at
 * the first failed send, so a down broker costs one {@code max.block.ms} per run, not one per row. It runs on its own
 * thread ({@code outbox-relay}), never behind another scheduled job.
 *
 * <p>A row is claimed once both its {@code relay_after} (when set) and the relay's grace have passed, compared with
 * {@code NOW()}, all PostgreSQL's clock. {@code relay_after} is what the inserting process stored: its transaction's
 * {@code NOW()} plus its own publisher's whole budget ({@link dev.forgesync.requests.publish.PublishBudget}), so a
 * relay in any process, whatever its own settings, leaves the row to that publisher for as long as it may still send
 * it or mark it. What holds: a row is sent by the relay and by its after-commit publisher both only when that
 * publisher's process stalled longer than the budget's marking margin (a GC pause, a starved CPU) between the ack and
 * the mark; the request is then published twice, which the worker tolerates. In this process a send still in flight
 * is skipped too ({@link SyncRequestPublisher#inFlight}). Rows with no {@code relay_after} (written before V12, or
 * stored by something that does not publish after commit) have only the grace, which must exceed the hand-over. A row
 * that can never become a request (no repository any more, or a rule of the request broken) is marked processed with
 * {@code processing_error = 'unpublishable: <reason>'} instead of failing the run: it never holds back its batch.
 */
@Component
@EnableConfigurationProperties(RelayProperties.class)
@ConditionalOnProperty(prefix = "forgesync.relay", name = "enabled", matchIfMissing = true)
class OutboxRelay extends DedicatedLoop {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String CLAIM = """
            SELECT we.id, we.repository_id, r.github_full_name, we.event_type, we.delivery_id, we.received_at
            FROM webhook_events we
            LEFT JOIN repositories r ON r.id = we.repository_id
            WHERE we.processed = FALSE AND we.received_at < NOW() - CAST(:grace AS interval)
              AND (we.relay_after IS NULL OR we.relay_after < NOW())
            ORDER BY we.received_at
            LIMIT :limit
            FOR UPDATE OF we SKIP LOCKED""";

    /** The {@code processing_error} prefix of a row that can never become a sync request. */
    static final String UNPUBLISHABLE = "unpublishable: ";

    private static final String NO_REPOSITORY =
            "no repository (removed before its sync request was published, or never set)";

    private static final String MARK_UNPUBLISHABLE = """
            UPDATE webhook_events SET processed = TRUE, processed_at = NOW(), processing_error = :error
            WHERE id = :id AND processed = FALSE""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SyncRequestPublisher publisher;
    private final PublishedEvents published;
    private final RelayProperties properties;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transaction, SyncRequestPublisher publisher,
            PublishedEvents published, RelayProperties properties, PublishProperties publish) {
        super("outbox-relay", properties.interval());
        if (publish.handOver().compareTo(properties.grace()) >= 0) {
            throw new IllegalArgumentException("forgesync.publish.hand-over (" + publish.handOver()
                    + ") must be shorter than forgesync.relay.grace (" + properties.grace()
                    + "), or the relay and the publisher can both send one request");
        }
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.publisher = publisher;
        this.published = published;
        this.properties = properties;
    }

    @Override
    protected void run() {
        Integer relayed;
        do {
            relayed = transaction.execute(status -> relayBatch());
        } while (relayed != null && relayed == properties.batchSize());
    }

    /** One claimed batch; returns how many rows it marked processed. */
    int relayBatch() {
        List<Row> rows = jdbc.sql(CLAIM)
                .param("grace", properties.grace().toMillis() + " milliseconds")
                .param("limit", properties.batchSize())
                .query(OutboxRelay::row)
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        List<Row> publishable = markUnpublishable(rows);
        List<Long> acked = publish(publishable);
        int marked = published.markPublished(acked);
        if (marked > 0) {
            log.info("outbox relay published {} of {} unprocessed event rows", marked, rows.size());
        }
        int handled = rows.size() - publishable.size() + acked.size();
        return handled == rows.size() ? rows.size() : 0;
    }

    /**
     * A row no retry can publish is final: marked processed with the reason, so it neither fails every run nor holds
     * back the rows claimed with it. Returns the other rows.
     */
    private List<Row> markUnpublishable(List<Row> rows) {
        List<Row> publishable = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Optional<String> defect = row.defect();
            if (defect.isPresent()) {
                markUnpublishable(row, defect.get());
            } else {
                publishable.add(row);
            }
        }
        return publishable;
    }

    /** Its id and delivery are logged, never its payload. */
    private void markUnpublishable(Row row, String defect) {
        jdbc.sql(MARK_UNPUBLISHABLE).param("id", row.id()).param("error", UNPUBLISHABLE + defect).update();
        log.error("event row {} (delivery {}, event {}) can never be published, marked processed: {}",
                row.id(), row.deliveryId(), row.event(), defect);
    }

    private List<Long> publish(List<Row> rows) {
        List<Row> sent = new ArrayList<>();
        List<CompletableFuture<Boolean>> acks = new ArrayList<>();
        for (Row row : rows) {
            if (publisher.inFlight(row.id())) {
                continue;
            }
            CompletableFuture<Boolean> ack = publisher.send(row.publication());
            if (ack.isDone() && !ack.join()) {
                break;
            }
            sent.add(row);
            acks.add(ack);
        }
        List<Long> acked = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (acks.get(i).join()) {
                acked.add(sent.get(i).id());
            }
        }
        return acked;
    }

    private static Row row(ResultSet rs, int rowNum) throws SQLException {
        long repository = rs.getLong("repository_id");
        // wasNull right after its own column's read (inside the constructor call it would test "id"): NULL stays
        // null, for a repository archived or deleted (ON DELETE SET NULL) and a row stored without one.
        Long repositoryId = rs.wasNull() ? null : repository;
        return new Row(rs.getLong("id"), repositoryId, rs.getString("github_full_name"),
                rs.getString("event_type"), rs.getString("delivery_id"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant());
    }

    private record Row(long id, Long repositoryId, String fullName, String event, String deliveryId, Instant receivedAt) {

        /** Why this row can never become a sync request, or empty when it can. */
        Optional<String> defect() {
            return repositoryId == null ? Optional.of(NO_REPOSITORY) : publication().defect();
        }

        PendingPublication publication() {
            return new PendingPublication(id, repositoryId, fullName, event, deliveryId, receivedAt);
        }
    }
}
