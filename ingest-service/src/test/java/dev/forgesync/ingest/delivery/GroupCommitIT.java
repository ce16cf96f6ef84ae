package dev.forgesync.ingest.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Group commit: deliveries that arrive while a batch is being stored are stored together in the next transaction,
 * and a batch keeps the rules of storing one delivery at a time. One writer thread, held inside its transaction by a
 * table lock the test takes, so the deliveries behind it are certain to queue up and share the next batch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "forgesync.store.writers=1")
class GroupCommitIT {

    private static final AtomicLong GITHUB_IDS = new AtomicLong(700_000_000L + System.nanoTime() % 1_000_000 * 100);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void deliveriesQueuedBehindABatchShareOneTransactionAndKeepTheOneAtATimeRules() throws Exception {
        Webhooks.Delivery earlier = push("group/earlier");
        assertThat(client.post(earlier).outcome()).isEqualTo("accepted");
        Webhooks.Delivery a = push("group/a");
        long aGithubId = githubIdOf(a);
        Webhooks.Delivery starOfA = Webhooks.forRepository("star", "star.created.json", IngestContexts.SECRET, "group/a", aGithubId);
        Webhooks.Delivery c = push("group/c");
        Webhooks.Delivery twin = push("group/twin");

        List<WebhookClient.Answer> answers = whileTheWriterIsHeld(push("group/first"),
                List.of(a, starOfA, c, earlier, twin, twin));

        assertThat(answers.get(0).outcome()).isEqualTo("accepted");
        assertThat(answers.get(1).outcome()).isEqualTo("accepted");
        assertThat(answers.get(2).outcome()).isEqualTo("accepted");
        assertThat(answers.get(2).body().path("repositoryId").asLong())
                .as("the star finds the repository its neighbour registered").isEqualTo(answers.get(1).body().path("repositoryId").asLong());
        assertThat(answers.get(3).outcome()).isEqualTo("accepted");
        assertThat(answers.get(4).status()).isEqualTo(200);
        assertThat(answers.get(4).outcome()).as("a redelivery inside a batch").isEqualTo("duplicate");
        assertThat(List.of(answers.get(5).outcome(), answers.get(6).outcome()))
                .as("the same delivery twice in one batch").containsExactlyInAnyOrder("accepted", "duplicate");
        for (Webhooks.Delivery delivery : List.of(earlier, a, starOfA, c, twin)) {
            assertThat(Rows.eventCount(delivery.deliveryId())).as(delivery.deliveryId()).isEqualTo(1);
        }
        assertThat(Rows.repositoryCount(aGithubId)).isEqualTo(1);
        assertThat(Rows.jdbc().sql("""
                        SELECT COUNT(DISTINCT xmin::text) FROM repositories
                        WHERE github_full_name IN ('group/a', 'group/c', 'group/twin')""").query(Long.class).single())
                .as("the repositories registered by the queued deliveries were written by one transaction").isEqualTo(1);
        assertThat(meters.get("forgesync.store.batch.size").summary().max()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aDeliveryWhosePayloadTheDatabaseRefusesIsStoredAsInvalidWithItsReasonAndItsNeighboursAreAccepted()
            throws Exception {
        Webhooks.Delivery good = push("group/good");
        Webhooks.Delivery broken = push("group/" + "b".repeat(300));
        Webhooks.Delivery alsoGood = push("group/also-good");

        List<WebhookClient.Answer> answers = whileTheWriterIsHeld(push("group/held"), List.of(good, broken, alsoGood));

        assertThat(answers.get(1).outcome()).isEqualTo("accepted");
        assertThat(answers.get(3).outcome()).isEqualTo("accepted");
        assertThat(answers.get(2).status()).isEqualTo(202);
        assertThat(answers.get(2).outcome()).isEqualTo("invalid");
        assertThat(answers.get(2).body().path("reason").asString())
                .isEqualTo("the database refused its effect: value too long for type character varying(255)");
        Rows.WebhookEvent row = Rows.event(broken.deliveryId()).orElseThrow();
        assertThat(row.processed()).isTrue();
        assertThat(row.processingError())
                .isEqualTo("invalid: the database refused its effect: value too long for type character varying(255)");
        assertThat(row.repositoryId()).isNull();
        assertThat(Rows.repositoryCount(githubIdOf(broken))).isZero();
        assertThat(Rows.repositoryByGithubId(githubIdOf(good))).isPresent();
        assertThat(Rows.repositoryByGithubId(githubIdOf(alsoGood))).isPresent();
    }

    /**
     * Posts {@code held}, waits until the writer storing it is blocked by a lock on {@code webhook_events}, posts the
     * others concurrently and waits until all of them are queued, then releases the lock. Answers in that order.
     */
    private List<WebhookClient.Answer> whileTheWriterIsHeld(Webhooks.Delivery held, List<Webhooks.Delivery> queued)
            throws SQLException, Exception {
        List<CompletableFuture<WebhookClient.Answer>> answers = new ArrayList<>();
        // A thread per request: every post blocks until its answer, and all of them must be in flight at once (the
        // common pool has as few threads as the machine has cores, minus one).
        ExecutorService senders = Executors.newFixedThreadPool(queued.size() + 1);
        try {
            try (Connection lock = TestDatabase.perRun().connect()) {
                lock.setAutoCommit(false);
                lock.createStatement().execute("LOCK TABLE webhook_events IN EXCLUSIVE MODE");
                answers.add(CompletableFuture.supplyAsync(() -> client.post(held), senders));
                await().atMost(Duration.ofSeconds(10)).until(() -> Rows.jdbc().sql("""
                        SELECT COUNT(*) FROM pg_stat_activity
                        WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO webhook_events%'""")
                        .query(Long.class).single() == 1);
                for (Webhooks.Delivery delivery : queued) {
                    answers.add(CompletableFuture.supplyAsync(() -> client.post(delivery), senders));
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> meters.get("forgesync.store.queue").gauge().value() == queued.size());
                lock.commit();
            }
            List<WebhookClient.Answer> done = new ArrayList<>();
            for (CompletableFuture<WebhookClient.Answer> answer : answers) {
                done.add(answer.get(15, TimeUnit.SECONDS));
            }
            return done;
        } finally {
            senders.shutdownNow();
        }
    }

    private static Webhooks.Delivery push(String fullName) {
        return Webhooks.forRepository("push", "push.payload.json", IngestContexts.SECRET, fullName, GITHUB_IDS.incrementAndGet());
    }

    private static long githubIdOf(Webhooks.Delivery delivery) {
        return JSON.readTree(delivery.body()).path("repository").path("id").asLong();
    }
}
