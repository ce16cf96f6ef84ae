package dev.forgesync.requests.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.requests.outbox.EventStores;
import dev.forgesync.requests.outbox.WebhookEventStore;
import dev.forgesync.requests.publish.PublishBudget;
import dev.forgesync.requests.publish.Publishers;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;

/**
 * A relay in one process and a row inserted by another, whose publisher may take longer than the relay's grace: the
 * relay leaves the row alone until the row's {@code relay_after} (the inserting process's whole publisher budget, by
 * the database's clock) and publishes it once after. The relay here sends through its own publisher, which knows
 * nothing in flight elsewhere: only the row says whose it is.
 */
class RelayAfterIT {

    private static final Duration GRACE = Duration.ofSeconds(1);
    /** Hand-over, max.block and delivery.timeout of the inserting process: 8.5 s with the marking margin. */
    private static final PublishBudget INSERTER =
            new PublishBudget(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private final DataSource database = TestDatabase.perRun().dataSource();
    private final JdbcClient jdbc = JdbcClient.create(database);
    private final WebhookEventStore inserter = EventStores.on(database, INSERTER);
    private final DefaultKafkaProducerFactory<String, byte[]> producers = Publishers.producers();
    private final SyncRequestPublisher relayPublisher = Publishers.on(producers, database);
    private final OutboxRelay relay = Relays.on(database, relayPublisher, GRACE, 200);

    @AfterEach
    void close() throws InterruptedException {
        relayPublisher.destroy();
        producers.destroy();
    }

    @Test
    void aRowIsNotRelayedBeforeItsPublisherBudgetHasPassedThoughTheGraceHas() {
        long repositoryId = repository();
        String deliveryId = UUID.randomUUID().toString();
        WebhookEventStore.Stored row = inserter.insert(
                new WebhookEventStore.Row(deliveryId, "push", deliveryId, "{}", "sha256=00", repositoryId, null));
        assertThat(instant("relay_after", row.id())).isEqualTo(row.receivedAt().plus(INSERTER.total()));

        // The relay runs over and over, from before the grace has passed until it has published the row.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            relay.run();
            return processed(row.id());
        });

        // processed_at is the NOW() of the relay transaction that claimed the row: its clock, the database's.
        assertThat(instant("processed_at", row.id())).isAfter(instant("relay_after", row.id()));
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId)).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo(Long.toString(repositoryId)));
    }

    @Test
    void aRowStoredProcessedHasNoRelayAfterAndARowWithoutOneIsRelayedOnceTheGraceHasPassed() {
        String ignored = UUID.randomUUID().toString();
        WebhookEventStore.Stored stored = inserter.insert(
                new WebhookEventStore.Row(ignored, "ping", ignored, "{}", "sha256=00", null, "ignored: ping"));
        assertThat(instant("relay_after", stored.id())).isNull();

        long repositoryId = repository();
        String deliveryId = UUID.randomUUID().toString();
        // A row of a process that does not publish after commit (or of a version before V12): no relay_after.
        long legacy = jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, repository_id)
                VALUES (:id, 'push', :id, '{}', 'sha256=00', FALSE, NOW() - INTERVAL '2 seconds', :repositoryId)
                RETURNING id""").param("id", deliveryId).param("repositoryId", repositoryId)
                .query(Long.class).single();

        relay.run();

        assertThat(processed(legacy)).isTrue();
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId)).hasSize(1);
    }

    private boolean processed(long id) {
        return jdbc.sql("SELECT processed FROM webhook_events WHERE id = :id").param("id", id)
                .query(Boolean.class).single();
    }

    private Instant instant(String column, long id) {
        // list(), not single(): single() refuses a NULL value.
        OffsetDateTime value = jdbc.sql("SELECT " + column + " FROM webhook_events WHERE id = :id").param("id", id)
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).list().get(0);
        return value == null ? null : value.toInstant();
    }

    private long repository() {
        String owner = "relay" + UUID.randomUUID().toString().substring(0, 8);
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name)
                VALUES (:url, 'after', :owner, :fullName) RETURNING id""")
                .param("url", "https://github.com/" + owner + "/after").param("owner", owner)
                .param("fullName", owner + "/after")
                .query(Long.class).single();
    }
}
