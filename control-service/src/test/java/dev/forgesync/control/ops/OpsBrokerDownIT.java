package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TcpForwarder;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;

/**
 * Kafka down when an operator acts: a resync is still accepted (its request waits in the outbox and the relay
 * publishes it once the broker is back); a replay, which waits for acks, says plainly that it published nothing.
 */
class OpsBrokerDownIT {

    private static final String ADMIN = "admin-token-0123456789abcdef";

    /** Its own database: another test context's relay must not publish this test's outbox rows. */
    private static final TestDatabase DB = migrated();

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final OpsData data = new OpsData(jdbc);

    @Test
    void resyncWhileTheBrokerIsDownIsPublishedByTheRelayAndReplayAnswers503() throws Exception {
        int kafkaPort = ControlContexts.freePort();
        Pushed pushed = completedRepositoryWithAPush("down");
        long id = pushed.repositoryId();
        String deliveryId = pushed.deliveryId();
        try (TcpForwarder broker = new TcpForwarder(kafkaPort, TestKafka.bootstrapServers());
             ConfigurableApplicationContext context = ControlContexts.start(overridesWithBrokerAt(kafkaPort))) {
            OpsClient api = new OpsClient(ControlContexts.port(context));

            OpsClient.Answer resync = api.post("/api/repositories/" + id + "/resync", ADMIN, null);
            boolean processedAtOnce = processed(resync.body().path("requestId").asString());
            OpsClient.Answer replay = api.post("/api/webhooks/replay", ADMIN, "{\"deliveryIds\":[\"" + deliveryId + "\"]}");

            assertThat(resync.status()).isEqualTo(202);
            String requestId = resync.body().path("requestId").asString();
            assertThat(processedAtOnce).isFalse();
            assertThat(replay.status()).isEqualTo(503);
            assertThat(replay.body().path("published").asInt()).isZero();
            assertThat(replay.body().path("failed").asInt()).isEqualTo(1);

            broker.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> processed(requestId));
            assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), requestId))
                    .singleElement().satisfies(p -> assertThat(p.request().trigger()).isEqualTo("resync"));
        }
    }

    @Test
    void aForcedReplayWhileTheBrokerIsDownLeavesItsRequestInTheOutboxAndTheRelayPublishesIt() throws Exception {
        int kafkaPort = ControlContexts.freePort();
        Pushed pushed = completedRepositoryWithAPush("forced");
        long id = pushed.repositoryId();
        String deliveryId = pushed.deliveryId();
        try (TcpForwarder broker = new TcpForwarder(kafkaPort, TestKafka.bootstrapServers());
             ConfigurableApplicationContext context = ControlContexts.start(overridesWithBrokerAt(kafkaPort))) {
            OpsClient api = new OpsClient(ControlContexts.port(context));

            OpsClient.Answer replay = api.post("/api/webhooks/replay", ADMIN,
                    "{\"deliveryIds\":[\"" + deliveryId + "\"],\"force\":true}");

            assertThat(replay.status()).isEqualTo(503);
            assertThat(replay.body().path("failed").asInt()).isEqualTo(1);
            assertThat(jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", id)
                    .query(String.class).single()).isEqualTo("pending");
            String requestId = jdbc.sql("""
                    SELECT event_id FROM webhook_events
                    WHERE repository_id = :id AND event_type = 'replay' AND processed = FALSE""")
                    .param("id", id).query(String.class).single();

            broker.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> processed(requestId));
            assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId))
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.key()).isEqualTo(Long.toString(id));
                        assertThat(p.request().trigger()).isEqualTo("replay");
                    });
        }
    }

    /** A {@code completed} repository and the stored, published push that synced it. */
    private record Pushed(long repositoryId, String deliveryId) {
    }

    private Pushed completedRepositoryWithAPush(String ownerPrefix) {
        String fullName = ownerPrefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "/repo";
        long id = data.repository(fullName, "completed");
        String deliveryId = OpsData.deliveryId();
        data.event(deliveryId, "push", true, null, id, fullName, OpsData.daysAgo(1));
        return new Pushed(id, deliveryId);
    }

    /** The ingest's settings with its broker behind {@code kafkaPort} (a forwarder, closed until started). */
    private static Map<String, Object> overridesWithBrokerAt(int kafkaPort) {
        Map<String, Object> overrides = new HashMap<>(DB.springProperties());
        overrides.put("spring.kafka.bootstrap-servers", "127.0.0.1:" + kafkaPort);
        overrides.put("forgesync.ops.admin-token", ADMIN);
        // The context starts with the broker down: KafkaAdmin's topic check then waits out its operation timeout
        // and the admin client's API timeout (5 s each, application.yml) before start-up goes on without it. That
        // start-up is not what this class is about, so it gives up after 1 s; resync and replay keep their settings.
        overrides.put("spring.kafka.admin.operation-timeout", "1s");
        overrides.put("spring.kafka.admin.properties.request.timeout.ms", "1000");
        overrides.put("spring.kafka.admin.properties.default.api.timeout.ms", "1000");
        return overrides;
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("ops-broker-down");
        db.migrate();
        return db;
    }

    private boolean processed(String eventId) {
        return jdbc.sql("SELECT processed FROM webhook_events WHERE event_id = :id").param("id", eventId)
                .query(Boolean.class).single();
    }
}
