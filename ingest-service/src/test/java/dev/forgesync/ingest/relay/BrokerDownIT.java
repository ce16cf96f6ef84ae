package dev.forgesync.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TcpForwarder;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.Webhooks;

/**
 * Kafka down at delivery time: webhooks are still accepted promptly, and all of them are published once it is back.
 * The service bootstraps through a port where nothing listens until the forwarder to the run's broker starts.
 */
class BrokerDownIT {

    @Test
    void acceptsWhileTheBrokerIsDownAndPublishesEverythingWhenItComesBack() throws Exception {
        int kafkaPort = IngestContexts.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        List<String> deliveries = new ArrayList<>();
        try (TcpForwarder broker = new TcpForwarder(kafkaPort, TestKafka.bootstrapServers());
             // The context starts with the broker down: KafkaAdmin's topic check would wait out its operation
             // timeout and the admin client's API timeout (5 s each, application.yml) before start-up goes on without
             // it. Start-up is not what this test is about, so it gives up after 1 s; the producer keeps its settings.
             ConfigurableApplicationContext context = IngestContexts.start(Map.of(
                "spring.kafka.bootstrap-servers", bootstrap,
                "spring.kafka.admin.operation-timeout", "1s",
                "spring.kafka.admin.properties.request.timeout.ms", "1000",
                "spring.kafka.admin.properties.default.api.timeout.ms", "1000"))) {
            var client = new WebhookClient(IngestContexts.port(context));
            for (int i = 0; i < 5; i++) {
                long githubId = 800_000_000L + System.nanoTime() % 100_000_000L;
                Webhooks.Delivery delivery = Webhooks.forRepository("push", "push.payload.json", IngestContexts.SECRET,
                        "down" + githubId + "/repo", githubId);
                long started = System.nanoTime();
                WebhookClient.Answer answer = client.post(delivery);

                assertThat(answer.status()).isEqualTo(202);
                assertThat(answer.outcome()).isEqualTo("accepted");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
                deliveries.add(delivery.deliveryId());
            }
            assertThat(deliveries).allSatisfy(id -> assertThat(Rows.event(id).orElseThrow().processed()).isFalse());
            // Each row is its publisher's until relay_after: hand-over 500 ms (IngestContexts) + application.yml's
            // max.block.ms 2 s and delivery.timeout.ms 5 s + the 1 s marking margin, by the database's clock.
            assertThat(deliveries).allSatisfy(id -> assertThat(Rows.jdbc().sql(
                    "SELECT CAST(relay_after - received_at AS text) FROM webhook_events WHERE event_id = :id")
                    .param("id", id).query(String.class).single()).isEqualTo("00:00:08.5"));

            broker.start();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deliveries)
                    .allSatisfy(id -> assertThat(Rows.event(id).orElseThrow().processed()).isTrue()));
            List<SyncRequestsTopic.Published> published = SyncRequestsTopic.readAll(TestKafka.bootstrapServers());
            assertThat(deliveries).allSatisfy(id -> assertThat(published)
                    .anySatisfy(p -> assertThat(p.request().deliveryId()).isEqualTo(id)));
        }
    }
}
