package dev.forgesync.control.replay;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.outbox.Rearm;
import dev.forgesync.requests.outbox.SyncRequestOutbox;
import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.SyncRequestPublisher;

/**
 * Re-publishes the sync requests of stored {@code webhook_events} (trigger {@code replay}), waiting for the broker's
 * acks. Only events that asked for a sync are replayed: an ignored, invalid or stopped event stays what it was (an
 * {@code invalid} delivery had no effect to replay; redelivering it from GitHub stores it again). A plain replay
 * changes no row. A forced one re-arms each repository and writes its request to the outbox in one transaction, like
 * every other request ({@link SyncRequestOutbox}), so a request the broker does not take now is published by the
 * relay later and no repository is left re-armed without one. A broker that fails stops the sending (the rest is
 * reported as failed).
 */
@Service
public class WebhookReplay {

    private static final Logger log = LoggerFactory.getLogger(WebhookReplay.class);

    public static final String TRIGGER = "replay";

    private static final String BY_IDS = "we.event_id IN (:ids)";
    private static final String BY_RANGE = "we.received_at >= :since AND we.received_at < :until";
    private static final String REPLAYABLE = "we.repository_id IS NOT NULL AND we.processing_error IS NULL";

    private static final String COUNT = """
            SELECT COUNT(*) AS matched, COUNT(*) FILTER (WHERE %s) AS replayable
            FROM webhook_events we WHERE %s""";

    private static final String FOUND_IDS = "SELECT we.event_id FROM webhook_events we WHERE " + BY_IDS;

    private static final String NEWEST_PER_REPOSITORY = """
            SELECT DISTINCT ON (we.repository_id) we.id, we.repository_id, r.github_full_name, we.delivery_id,
                   we.received_at
            FROM webhook_events we JOIN repositories r ON r.id = we.repository_id
            WHERE %s AND %s
            ORDER BY we.repository_id, we.received_at DESC, we.id DESC""";

    /** A forced replay's outbox rows: event id {@code forced-replay-<uuid>}. */
    private static final String FORCED = "forced";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SyncRequestOutbox outbox;
    private final SyncRequestPublisher publisher;
    private final int maxEvents;

    WebhookReplay(JdbcClient jdbc, TransactionTemplate transaction, SyncRequestOutbox outbox,
            SyncRequestPublisher publisher,
            @Value("${forgesync.ops.max-replay-events:10000}") int maxEvents) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.outbox = outbox;
        this.publisher = publisher;
        this.maxEvents = maxEvents;
    }

    public ReplayReport replay(ReplaySelection selection) {
        if (selection.deliveryIds().size() > maxEvents) {
            throw new InvalidReplayException("at most " + maxEvents + " delivery ids per replay");
        }
        String where = selection.byDeliveryIds() ? BY_IDS : BY_RANGE;
        Counts counts = bind(jdbc.sql(COUNT.formatted(REPLAYABLE, where)), selection).query(Counts.class).single();
        if (counts.matched() > maxEvents) {
            throw new InvalidReplayException("the selection matches " + counts.matched() + " events, more than the "
                    + maxEvents + " one replay may take: narrow the time range");
        }
        List<Event> events = bind(jdbc.sql(NEWEST_PER_REPOSITORY.formatted(REPLAYABLE, where)), selection)
                .query(Event.class).list();
        int published = publish(events, selection.force());
        ReplayReport report = new ReplayReport((int) counts.matched(), (int) (counts.matched() - counts.replayable()),
                notFound(selection), events.size(), published, events.size() - published);
        log.info("replay of {}: {} events matched, {} ignored, {} repositories, {} published, {} failed",
                describe(selection), report.matched(), report.ignored(), report.repositories(), report.published(),
                report.failed());
        return report;
    }

    /** A plain replay sends the stored events' requests again; a forced one sends its new outbox rows'. */
    private int publish(List<Event> events, boolean force) {
        if (!force) {
            return send(events.stream().map(WebhookReplay::asFirstPublished).toList(), publisher::send);
        }
        return send(rearmedThroughTheOutbox(events), publisher::sendOutboxRow);
    }

    /** Each request exactly as first published: its event's row and {@code received_at}. */
    private static PendingPublication asFirstPublished(Event event) {
        return new PendingPublication(event.id(), event.repositoryId(), event.githubFullName(), TRIGGER,
                event.deliveryId(), event.receivedAt().toInstant());
    }

    /** One transaction: every repository re-armed with its request's outbox row (requested at the database's now). */
    private List<PendingPublication> rearmedThroughTheOutbox(List<Event> events) {
        return transaction.execute(status -> events.stream()
                .map(event -> outbox.request(new SyncRequestOutbox.Request(event.repositoryId(), TRIGGER, FORCED,
                        event.deliveryId(), Rearm.FROM_FINAL)))
                .flatMap(Optional::stream)
                .map(SyncRequestOutbox.Requested::publication)
                .toList());
    }

    /** Sends until the broker fails; returns how many requests it acknowledged. */
    private static int send(List<PendingPublication> requests,
            Function<PendingPublication, CompletableFuture<Boolean>> sender) {
        List<CompletableFuture<Boolean>> acks = new ArrayList<>();
        for (PendingPublication request : requests) {
            CompletableFuture<Boolean> ack = sender.apply(request);
            if (ack.isDone() && !ack.join()) {
                break;
            }
            acks.add(ack);
        }
        return (int) acks.stream().filter(CompletableFuture::join).count();
    }

    private List<String> notFound(ReplaySelection selection) {
        if (!selection.byDeliveryIds()) {
            return List.of();
        }
        Set<String> found = new HashSet<>(jdbc.sql(FOUND_IDS).param("ids", selection.deliveryIds())
                .query(String.class).list());
        return selection.deliveryIds().stream().distinct().filter(id -> !found.contains(id)).toList();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, ReplaySelection selection) {
        if (selection.byDeliveryIds()) {
            return statement.param("ids", selection.deliveryIds());
        }
        return statement.param("since", selection.since().atOffset(ZoneOffset.UTC))
                .param("until", selection.until().atOffset(ZoneOffset.UTC));
    }

    private static String describe(ReplaySelection selection) {
        return selection.byDeliveryIds() ? selection.deliveryIds().size() + " delivery ids"
                : "[" + selection.since() + ", " + selection.until() + ")";
    }

    private record Counts(long matched, long replayable) {
    }

    private record Event(long id, long repositoryId, String githubFullName, String deliveryId,
            OffsetDateTime receivedAt) {
    }
}
