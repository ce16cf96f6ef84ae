package dev.forgesync.requests.outbox;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.schema.SyncStatus;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The sync requests forgesync makes itself (an operator's resync or retry, a forced replay, a recovery), written the
 * way a delivery's are: the re-arm and an outbox row in {@code webhook_events} commit in the caller's transaction, and
 * the caller publishes after the commit (a request the broker does not take is published by the relay). Nothing can
 * re-arm a repository without also leaving a request for it.
 */
@Component
public class SyncRequestOutbox {

    private static final String LOCK = """
            SELECT id, github_full_name, sync_status FROM repositories WHERE id = :id FOR UPDATE""";

    private final JdbcClient jdbc;
    private final Rearm rearm;
    private final WebhookEventStore events;

    SyncRequestOutbox(JdbcClient jdbc, Rearm rearm, WebhookEventStore events) {
        this.jdbc = jdbc;
        this.rearm = rearm;
        this.events = events;
    }

    /**
     * What to request.
     *
     * @param repositoryId the repository
     * @param trigger      the request's trigger and the row's {@code event_type} ({@code resync}, {@code replay}, ...)
     * @param source       who asks ({@code ops-api}, {@code replay}, {@code recovery}); the row's event id starts
     *                     with it
     * @param deliveryId   the GitHub delivery the request stands for, or null (the event id is used)
     * @param rearmFrom    the states re-armed to {@code pending} first ({@link Rearm#FROM_FINAL}: the contract's rule;
     *                     empty: the status is left alone)
     */
    public record Request(long repositoryId, String trigger, String source, String deliveryId,
            Collection<SyncStatus> rearmFrom) {
    }

    /**
     * The repository as it was when locked, whether it was re-armed, and the request to publish after commit.
     *
     * @param previousStatus {@code sync_status} before this request
     */
    public record Requested(long repositoryId, String fullName, String previousStatus, boolean rearmed,
            PendingPublication publication) {
    }

    /**
     * Locks the repository's row, re-arms it as asked and writes the request's outbox row; empty (nothing written)
     * when the repository does not exist. Runs in the caller's transaction, which must exist.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Requested> request(Request request) {
        Optional<Locked> locked = jdbc.sql(LOCK).param("id", request.repositoryId()).query(Locked.class).optional();
        return locked.map(row -> write(request, row));
    }

    private Requested write(Request request, Locked row) {
        boolean rearmed = !request.rearmFrom().isEmpty()
                && rearm.rearm(List.of(row.id()), request.rearmFrom()) == 1;
        String eventId = request.source() + "-" + request.trigger() + "-" + UUID.randomUUID();
        String deliveryId = request.deliveryId() == null ? eventId : request.deliveryId();
        WebhookEventStore.Stored stored = events.insert(new WebhookEventStore.Row(eventId, request.trigger(),
                deliveryId, payload(request, row), "none: " + request.source() + " request", row.id(), null));
        return new Requested(row.id(), row.githubFullName(), row.syncStatus(), rearmed, new PendingPublication(
                stored.id(), row.id(), row.githubFullName(), request.trigger(), deliveryId, stored.receivedAt()));
    }

    /** A small payload naming who asked and for what (the row is also the audit record of the request). */
    private static String payload(Request request, Locked row) {
        return "{\"action\":" + json(request.trigger()) + ",\"source\":" + json(request.source())
                + ",\"repository\":{\"id\":" + row.id() + ",\"full_name\":" + json(row.githubFullName()) + "}}";
    }

    private static String json(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        JsonStringEncoder.getInstance().quoteAsString(text, quoted);
        return quoted.append('"').toString();
    }

    private record Locked(long id, String githubFullName, String syncStatus) {
    }
}
