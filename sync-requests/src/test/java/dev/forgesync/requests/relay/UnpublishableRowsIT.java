package dev.forgesync.requests.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.requests.publish.Publishers;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.Webhooks;

/**
 * A row left {@code processed = false} that can never become a sync request (its repository is gone, or it never had
 * one) is marked processed with the reason, once; it never stops the relay from publishing the other rows.
 */
class UnpublishableRowsIT {

    private static final int BATCH = 2;

    private final DataSource database = TestDatabase.perRun().dataSource();
    private final JdbcClient jdbc = JdbcClient.create(database);
    private final DefaultKafkaProducerFactory<String, byte[]> producers = Publishers.producers();
    private final SyncRequestPublisher publisher = Publishers.on(producers, database);
    private final OutboxRelay relay = Relays.on(database, publisher, Duration.ofSeconds(1), BATCH);

    @AfterEach
    void close() throws InterruptedException {
        publisher.destroy();
        producers.destroy();
    }

    @Test
    void aRowWhoseRepositoryWasArchivedIsMarkedAndTheRowsAroundItArePublished() {
        long kept = repository("kept");
        long archived = repository("archived");
        String before = event(kept, "push", "{}", 3);
        String orphan = event(archived, "push", "{}", 2);
        String after = event(kept, "push", "{}", 1);
        // What control-service's retention does to a repository it archives: its events stay, repository_id NULL.
        jdbc.sql("DELETE FROM repositories WHERE id = :id").param("id", archived).update();

        relay.run();

        assertPublishedOnce(before, kept);
        assertPublishedOnce(after, kept);
        assertMarkedUnpublishable(orphan);
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), orphan)).isEmpty();
    }

    @Test
    void aRowStoredWithoutRepositoryIsMarkedOnceAndNothingIsPublishedTwice() {
        long kept = repository("beside-ping");
        String ping = event(null, "ping",
                new String(Webhooks.payload("ping.payload.json"), StandardCharsets.UTF_8), 2);
        String push = event(kept, "push", "{}", 1);

        relay.run();
        relay.run();

        assertMarkedUnpublishable(ping);
        assertPublishedOnce(push, kept);
        assertThat(jdbc.sql("SELECT processing_error IS NULL FROM webhook_events WHERE event_id = :id").param("id", push)
                .query(Boolean.class).single()).as("published row has no processing_error").isTrue();
    }

    @Test
    void aRowOfARepositoryWhoseIdNoRequestCanCarryIsMarkedWithTheBrokenRule() {
        // The schema lets a writer choose repositories.id (a hand-written or restored row); a request needs it positive.
        long negative = -(System.nanoTime() % 1_000_000_000L) - 1;
        jdbc.sql("""
                INSERT INTO repositories (id, github_url, github_repo_name, github_owner, github_full_name)
                VALUES (:id, :url, 'negative', 'hand', :fullName)""")
                .param("id", negative).param("url", "https://github.com/hand/negative" + negative)
                .param("fullName", "hand/negative" + negative).update();
        long kept = repository("beside-negative");
        String handWritten = event(negative, "push", "{}", 2);
        String push = event(kept, "push", "{}", 1);

        relay.run();

        assertThat(processed(handWritten)).isTrue();
        assertThat(jdbc.sql("SELECT processing_error FROM webhook_events WHERE event_id = :id").param("id", handWritten)
                .query(String.class).single()).isEqualTo("unpublishable: repositoryId must be positive: " + negative);
        assertPublishedOnce(push, kept);
    }

    private void assertPublishedOnce(String deliveryId, long repositoryId) {
        assertThat(processed(deliveryId)).as("row of %s processed", deliveryId).isTrue();
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId)).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo(Long.toString(repositoryId)));
    }

    private void assertMarkedUnpublishable(String deliveryId) {
        var row = jdbc.sql("""
                SELECT processed, processed_at IS NOT NULL AS stamped, processing_error
                FROM webhook_events WHERE event_id = :id""").param("id", deliveryId)
                .query((rs, n) -> new Object[] {rs.getBoolean(1), rs.getBoolean(2), rs.getString(3)}).single();
        assertThat(row[0]).as("processed").isEqualTo(true);
        assertThat(row[1]).as("processed_at set").isEqualTo(true);
        assertThat((String) row[2]).startsWith("unpublishable: ").contains("no repository");
    }

    private boolean processed(String deliveryId) {
        return jdbc.sql("SELECT processed FROM webhook_events WHERE event_id = :id").param("id", deliveryId)
                .query(Boolean.class).single();
    }

    private long repository(String name) {
        String owner = "poison" + UUID.randomUUID().toString().substring(0, 8);
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name)
                VALUES (:url, :name, :owner, :fullName) RETURNING id""")
                .param("url", "https://github.com/" + owner + "/" + name).param("name", name).param("owner", owner)
                .param("fullName", owner + "/" + name)
                .query(Long.class).single();
    }

    /** A committed outbox row left unprocessed {@code minutesAgo}; returns its delivery id. */
    private String event(Long repositoryId, String type, String payload, int minutesAgo) {
        String deliveryId = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, repository_id)
                VALUES (:id, :type, :id, CAST(:payload AS jsonb), 'sha256=00', FALSE,
                        NOW() - make_interval(mins => :minutes), :repositoryId)""")
                .param("id", deliveryId).param("type", type).param("payload", payload).param("minutes", minutesAgo)
                .param("repositoryId", repositoryId, java.sql.Types.INTEGER)
                .update();
        return deliveryId;
    }
}
