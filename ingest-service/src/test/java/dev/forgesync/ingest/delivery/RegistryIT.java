package dev.forgesync.ingest.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry under races and renames: a delivery is stored with its effect or answered 503 for a redelivery, never
 * stored {@code invalid} for a reason that is not its payload's; every event keeps the repository's name current.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegistryIT {

    private static final AtomicLong GITHUB_IDS = new AtomicLong(600_000_000L + System.nanoTime() % 1_000_000 * 100);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    private WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void aRepositoryArchivedWhileItsPushIsStoredIsRegisteredAgainAndThePushAccepted() throws Exception {
        long githubId = GITHUB_IDS.incrementAndGet();
        String fullName = "archived" + githubId + "/repo";
        assertThat(client.post(delivery("star", "star.created.json", fullName, githubId)).outcome()).isEqualTo("accepted");
        long archivedId = Rows.repositoryByGithubId(githubId).orElseThrow().id();
        Rows.setStatus(archivedId, "completed");
        Webhooks.Delivery push = delivery("push", "push.payload.json", fullName, githubId);

        WebhookClient.Answer answer;
        try (Connection archive = TestDatabase.perRun().connect()) {
            archive.setAutoCommit(false);
            archive.createStatement().execute("DELETE FROM repositories WHERE id = " + archivedId);
            CompletableFuture<WebhookClient.Answer> posted = CompletableFuture.supplyAsync(() -> client.post(push));
            await().atMost(Duration.ofSeconds(10)).until(() -> Rows.jdbc().sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'
                      AND query LIKE 'UPDATE repositories SET sync_status = ''pending''%'""")
                    .query(Long.class).single() == 1);
            archive.commit();
            answer = posted.get(15, TimeUnit.SECONDS);
        }

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.outcome()).isEqualTo("accepted");
        Rows.Repository registered = Rows.repositoryByGithubId(githubId).orElseThrow();
        assertThat(registered.id()).isNotEqualTo(archivedId);
        assertThat(registered.syncStatus()).isEqualTo("pending");
        Rows.WebhookEvent row = Rows.event(push.deliveryId()).orElseThrow();
        assertThat(row.processingError()).isNull();
        assertThat(row.repositoryId()).isEqualTo(registered.id());
        awaitPublished(push.deliveryId());
    }

    @Test
    void aDeliveryStoredInvalidIsStoredAgainWithItsEffectWhenRedelivered() {
        long githubId = GITHUB_IDS.incrementAndGet();
        Webhooks.Delivery push = delivery("push", "push.payload.json", "refused" + githubId + "/repo", githubId);
        // As an earlier version stored it when a deadlock outlasted its retries: invalid, without its effect.
        Rows.jdbc().sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            processing_error, processed_at)
                VALUES (:id, 'push', :id, '{}'::jsonb, 'sha256=00', TRUE,
                        'invalid: the database refused its effect: deadlock detected', NOW())""")
                .param("id", push.deliveryId()).update();

        WebhookClient.Answer redelivered = client.post(push);

        assertThat(redelivered.status()).isEqualTo(202);
        assertThat(redelivered.outcome()).isEqualTo("accepted");
        Rows.WebhookEvent row = Rows.event(push.deliveryId()).orElseThrow();
        assertThat(row.processingError()).isNull();
        assertThat(row.repositoryId()).isEqualTo(Rows.repositoryByGithubId(githubId).orElseThrow().id());
        assertThat(row.repoNameInPayload()).isEqualTo("refused" + githubId + "/repo");
        awaitPublished(push.deliveryId());
        assertThat(client.post(push).outcome()).as("stored for good now").isEqualTo("duplicate");
        assertThat(Rows.eventCount(push.deliveryId())).isEqualTo(1);
    }

    @Test
    void pushForRenamedRepositoryRefreshesItsName() {
        long githubId = GITHUB_IDS.incrementAndGet();
        String owner = "renamed" + githubId;
        assertThat(client.post(delivery("star", "star.created.json", owner + "/old", githubId)).outcome())
                .isEqualTo("accepted");
        long repositoryId = Rows.repositoryByGithubId(githubId).orElseThrow().id();
        Rows.setStatus(repositoryId, "completed");

        Webhooks.Delivery push = delivery("push", "push.payload.json", owner + "/new", githubId);
        assertThat(client.post(push).outcome()).isEqualTo("accepted");

        Rows.Repository row = Rows.repositoryByGithubId(githubId).orElseThrow();
        assertThat(row.id()).isEqualTo(repositoryId);
        assertThat(row.fullName()).isEqualTo(owner + "/new");
        assertThat(row.name()).isEqualTo("new");
        assertThat(row.githubUrl()).isEqualTo("https://github.com/" + owner + "/new");
        assertThat(row.syncStatus()).isEqualTo("pending");
        assertThat(awaitPublished(push.deliveryId()).request().fullName()).isEqualTo(owner + "/new");
    }

    @Test
    void renameOntoAUrlHeldByAStaleRowIsApplied() {
        long renamedId = GITHUB_IDS.incrementAndGet();
        long staleId = GITHUB_IDS.incrementAndGet();
        String owner = "taken" + renamedId;
        client.post(delivery("star", "star.created.json", owner + "/target", staleId));
        client.post(delivery("star", "star.created.json", owner + "/source", renamedId));
        long staleRow = Rows.repositoryByGithubId(staleId).orElseThrow().id();

        WebhookClient.Answer renamed = client.post(
                delivery("repository", "repository.renamed.json", owner + "/target", renamedId));

        assertThat(renamed.status()).isEqualTo(202);
        assertThat(renamed.outcome()).isEqualTo("accepted");
        assertThat(Rows.repositoryByGithubId(renamedId).orElseThrow().githubUrl())
                .isEqualTo("https://github.com/" + owner + "/target");
        Rows.Repository stale = Rows.repositoryByGithubId(staleId).orElseThrow();
        assertThat(stale.githubUrl()).isEqualTo("https://github.com/" + owner + "/target#superseded-" + staleRow);
        assertThat(stale.metadata()).contains("sync_stopped");

        client.post(delivery("push", "push.payload.json", owner + "/moved-away", staleId));

        Rows.Repository resumed = Rows.repositoryByGithubId(staleId).orElseThrow();
        assertThat(resumed.id()).isEqualTo(staleRow);
        assertThat(resumed.githubUrl()).isEqualTo("https://github.com/" + owner + "/moved-away");
        assertThat(resumed.metadata()).doesNotContain("sync_stopped");
    }

    @Test
    void aNewRepositoryAtAStaleRowsUrlGetsARowOfItsOwn() {
        long oldId = GITHUB_IDS.incrementAndGet();
        long newId = GITHUB_IDS.incrementAndGet();
        String fullName = "reused" + oldId + "/name";
        client.post(delivery("star", "star.created.json", fullName, oldId));
        long oldRow = Rows.repositoryByGithubId(oldId).orElseThrow().id();

        WebhookClient.Answer answer = client.post(delivery("push", "push.payload.json", fullName, newId));

        assertThat(answer.outcome()).isEqualTo("accepted");
        assertThat(answer.body().path("repositoryId").asLong()).isNotEqualTo(oldRow);
        assertThat(Rows.repositoryByGithubId(newId).orElseThrow().githubUrl()).isEqualTo("https://github.com/" + fullName);
        assertThat(Rows.repositoryByGithubId(oldId).orElseThrow().metadata()).contains("sync_stopped");
    }

    @Test
    void overlongDefaultBranchStillRegisters() {
        long githubId = GITHUB_IDS.incrementAndGet();
        Webhooks.Delivery push = withDefaultBranch(
                delivery("push", "push.payload.json", "branchy" + githubId + "/repo", githubId), "b".repeat(150));

        WebhookClient.Answer answer = client.post(push);

        assertThat(answer.outcome()).isEqualTo("accepted");
        Rows.Repository row = Rows.repositoryByGithubId(githubId).orElseThrow();
        assertThat(row.defaultBranch()).as("left for the worker to find").isNull();
        assertThat(row.syncStatus()).isEqualTo("pending");
        awaitPublished(push.deliveryId());
    }

    private static Webhooks.Delivery delivery(String event, String file, String fullName, long githubId) {
        return Webhooks.forRepository(event, file, IngestContexts.SECRET, fullName, githubId);
    }

    private static SyncRequestsTopic.Published awaitPublished(String deliveryId) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId),
                published -> !published.isEmpty()).get(0);
    }

    private static Webhooks.Delivery withDefaultBranch(Webhooks.Delivery delivery, String branch) {
        ObjectNode root = (ObjectNode) JSON.readTree(delivery.body());
        ((ObjectNode) root.get("repository")).put("default_branch", branch);
        byte[] body = JSON.writeValueAsBytes(root);
        return new Webhooks.Delivery(delivery.event(), delivery.deliveryId(), body, Webhooks.sign(IngestContexts.SECRET, body));
    }
}
