package dev.forgesync.ingest.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The store queue holds only deliveries a request still waits for. One writer, held inside its transaction by a
 * table lock the test takes, and a 1 s store timeout: the requests queued behind it give up with 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"forgesync.store.writers=1", "forgesync.store.timeout=1s"})
class StoreQueueIT {

    private static final AtomicLong GITHUB_IDS = new AtomicLong(600_000_000L + System.nanoTime() % 1_000_000 * 100);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void aDeliveryWhoseRequestGaveUpLeavesTheQueueAndItsRedeliveryIsStored() throws Exception {
        WebhookClient client = new WebhookClient(port);
        Webhooks.Delivery held = push("queue/held");
        List<Webhooks.Delivery> queued = List.of(push("queue/a"), push("queue/b"), push("queue/c"));
        ExecutorService senders = Executors.newFixedThreadPool(queued.size() + 1);
        try (Connection lock = TestDatabase.perRun().connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE webhook_events IN EXCLUSIVE MODE");
            CompletableFuture<WebhookClient.Answer> heldAnswer = CompletableFuture.supplyAsync(() -> client.post(held), senders);
            await().atMost(Duration.ofSeconds(10)).until(() -> Rows.jdbc().sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO webhook_events%'""").query(Long.class).single() == 1);
            List<CompletableFuture<WebhookClient.Answer>> answers = new ArrayList<>();
            for (Webhooks.Delivery delivery : queued) {
                answers.add(CompletableFuture.supplyAsync(() -> client.post(delivery), senders));
            }
            for (CompletableFuture<WebhookClient.Answer> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
            }

            assertThat(queueLength()).as("deliveries left in the queue by requests that gave up").isZero();

            assertThat(heldAnswer.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
            lock.commit();
        } finally {
            senders.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.eventCount(held.deliveryId()) == 1);
        assertThat(client.post(held).outcome()).as("taken by the writer before its request gave up: stored")
                .isEqualTo("duplicate");
        for (Webhooks.Delivery delivery : queued) {
            assertThat(Rows.eventCount(delivery.deliveryId())).as("withdrawn, not stored").isZero();
            assertThat(client.post(delivery).outcome()).as("the redelivery").isEqualTo("accepted");
        }
    }

    private double queueLength() {
        return meters.get("forgesync.store.queue").gauge().value();
    }

    private static Webhooks.Delivery push(String fullName) {
        return Webhooks.forRepository("push", "push.payload.json", IngestContexts.SECRET, fullName, GITHUB_IDS.incrementAndGet());
    }
}
